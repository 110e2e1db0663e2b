package dev.offload.runtime.internal.child;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * What the child installs as the stream under {@code System.out} or {@code System.err}: it collects
 * the bytes user code prints and hands them on as text, whole lines at a time.
 *
 * <p>The {@code PrintStream} on top flushes after every line; a flush passes on the complete lines
 * and keeps a partial one until its end comes, so a line printed piecemeal arrives as one. A
 * partial line goes out anyway once it reaches {@value #MAX_PENDING} bytes, or when the job ends
 * ({@link #drain}); a large write goes out in pieces of that size, so no output frame is larger,
 * however much a job writes at once. A piece ends between two characters, never inside one.
 */
final class CapturedOutput extends OutputStream {

  private static final int MAX_PENDING = 8192;

  private final Consumer<String> sink;
  private byte[] pending = new byte[256];
  private int count;

  CapturedOutput(Consumer<String> sink) {
    this.sink = sink;
  }

  @Override
  public synchronized void write(int b) {
    ensureRoom(1);
    pending[count++] = (byte) b;
    passOnIfFull();
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) {
    while (length > 0) {
      int piece = Math.min(length, MAX_PENDING - count);
      ensureRoom(piece);
      System.arraycopy(bytes, offset, pending, count, piece);
      count += piece;
      offset += piece;
      length -= piece;
      passOnIfFull();
    }
  }

  /** Passes on the complete lines. */
  @Override
  public synchronized void flush() {
    int end = count;
    while (end > 0 && pending[end - 1] != '\n') {
      end--;
    }
    passOn(end);
  }

  /** Passes on everything, a partial last line included. */
  synchronized void drain() {
    passOn(count);
  }

  /** User code closing System.out must not end the capture for the jobs after it. */
  @Override
  public void close() {
    flush();
  }

  private void ensureRoom(int length) {
    if (count + length > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, count + length));
    }
  }

  private void passOnIfFull() {
    if (count >= MAX_PENDING) {
      passOn(characterBoundary(count));
    }
  }

  /**
   * {@code end}, or the start of the UTF-8 character that {@code end} would cut: a piece cut
   * mid-character would turn both of its halves into replacement characters.
   */
  private int characterBoundary(int end) {
    for (int start = end - 1; start >= Math.max(0, end - 4); start--) {
      int b = pending[start] & 0xFF;
      if ((b & 0xC0) != 0x80) {
        int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        return start + length > end ? start : end;
      }
    }
    return end;
  }

  private void passOn(int end) {
    if (end == 0) {
      return;
    }
    String text = new String(pending, 0, end, StandardCharsets.UTF_8);
    System.arraycopy(pending, end, pending, 0, count - end);
    count -= end;
    sink.accept(text);
  }
}
