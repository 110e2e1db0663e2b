package dev.offload.runtime.internal.store;

import java.util.Set;
import java.util.TreeSet;

/** Tells tests of other packages which of the store's scripts this JVM had Redis run. */
public final class ScriptRuns {
  private ScriptRuns() {}

  /** The file names of every script of the store. */
  public static Set<String> all() {
    TreeSet<String> names = new TreeSet<>();
    Script.ALL.forEach(script -> names.add(script.toString()));
    return names;
  }

  /** The file names of the scripts that ran to completion since the JVM started. */
  public static Set<String> ran() {
    TreeSet<String> names = new TreeSet<>();
    Script.RAN.forEach(script -> names.add(script.toString()));
    return names;
  }

  /** Forgets the scripts run so far, so that a test counts only its own. */
  public static void forget() {
    Script.RAN.clear();
  }
}
