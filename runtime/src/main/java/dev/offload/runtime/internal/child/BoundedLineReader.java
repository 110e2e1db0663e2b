package dev.offload.runtime.internal.child;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the lines of a child's stdout or stderr keeping at most {@code limit} bytes of each, so
 * that no line, however long, can exhaust the agent's heap; the rest of a longer line is read and
 * dropped.
 */
final class BoundedLineReader {

  /**
   * A line without its line break.
   *
   * @param text the line, or its first {@code limit} bytes
   * @param bytes how many bytes the whole line had
   * @param cut whether {@code text} is only the start of the line
   */
  record Line(String text, long bytes, boolean cut) {}

  /** The buffer a line starts in, and goes back to after a longer line, which is not kept. */
  private static final int USUAL_LINE = 1 << 12;

  private final InputStream in;
  private final int limit;
  private final byte[] buffer = new byte[1 << 16];
  private int position;
  private int end;
  private byte[] kept = new byte[USUAL_LINE];

  BoundedLineReader(InputStream in, int limit) {
    this.in = in;
    this.limit = limit;
  }

  /** The next line, or null at the end of the stream. */
  Line next() throws IOException {
    int length = 0;
    long bytes = 0;
    while (true) {
      if (position == end) {
        int read = in.read(buffer);
        if (read < 0) {
          if (bytes == 0) {
            return null;
          }
          break;
        }
        position = 0;
        end = read;
      }
      int stop = position;
      while (stop < end && buffer[stop] != '\n') {
        stop++;
      }
      int take = Math.min(stop - position, limit - length);
      if (take > 0) {
        if (length + take > kept.length) {
          kept = Arrays.copyOf(kept, Math.min(limit, Math.max(kept.length * 2, length + take)));
        }
        System.arraycopy(buffer, position, kept, length, take);
        length += take;
      }
      bytes += stop - position;
      position = stop;
      if (stop < end) {
        position++;
        break;
      }
    }
    boolean cut = bytes > length;
    if (!cut && length > 0 && kept[length - 1] == '\r') {
      length--;
    }
    String text = new String(kept, 0, length, StandardCharsets.UTF_8);
    if (kept.length > USUAL_LINE) {
      kept = new byte[USUAL_LINE];
    }
    return new Line(text, bytes, cut);
  }
}
