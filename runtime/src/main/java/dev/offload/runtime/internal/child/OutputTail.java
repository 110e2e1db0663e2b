package dev.offload.runtime.internal.child;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last lines a job printed, kept for its failure record: at most {@value #MAX_LINES} lines and
 * {@value #MAX_CHARS} characters, the oldest dropped first.
 */
final class OutputTail {

  static final int MAX_LINES = 50;
  static final int MAX_CHARS = 8192;

  private final Deque<String> lines = new ArrayDeque<>();
  private final StringBuilder partial = new StringBuilder();
  private int chars;

  /** Adds printed text; a line without its line break yet is completed by the next text. */
  synchronized void add(String text) {
    int start = 0;
    int newline;
    while ((newline = text.indexOf('\n', start)) >= 0) {
      partial.append(text, start, newline + 1);
      String line = partial.toString();
      partial.setLength(0);
      keep(line);
      start = newline + 1;
    }
    partial.append(text, start, text.length());
    if (partial.length() > MAX_CHARS) {
      partial.delete(0, partial.length() - MAX_CHARS);
    }
  }

  private void keep(String line) {
    String kept = line.length() > MAX_CHARS ? line.substring(line.length() - MAX_CHARS) : line;
    lines.addLast(kept);
    chars += kept.length();
    while (lines.size() > MAX_LINES || chars > MAX_CHARS) {
      chars -= lines.removeFirst().length();
    }
  }

  synchronized void clear() {
    lines.clear();
    partial.setLength(0);
    chars = 0;
  }

  /** The kept lines as one text, within the limits. */
  synchronized String text() {
    StringBuilder text = new StringBuilder(chars + partial.length());
    lines.forEach(text::append);
    text.append(partial);
    return text.length() > MAX_CHARS ? text.substring(text.length() - MAX_CHARS) : text.toString();
  }
}
