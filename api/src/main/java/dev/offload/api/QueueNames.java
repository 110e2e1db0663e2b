package dev.offload.api;

import java.util.regex.Pattern;

/**
 * The rule for queue names, shared by the processor (at compile time) and the client (at enqueue).
 *
 * <p>A name is 1 to 64 letters, digits, {@code -}, {@code _} or {@code .}: it becomes part of Redis
 * keys such as {@code queue:{name}}, where braces and colons would break the key layout.
 */
public final class QueueNames {

  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private QueueNames() {}

  /** Whether {@code name} may be used as a queue name. */
  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches();
  }

  /** What is wrong with {@code name} and how to fix it, or {@code null} if it is valid. */
  public static String problem(String name) {
    if (isValid(name)) {
      return null;
    }
    return "invalid queue name \"" + name + "\": use 1 to 64 letters, digits, '-', '_' or '.'";
  }
}
