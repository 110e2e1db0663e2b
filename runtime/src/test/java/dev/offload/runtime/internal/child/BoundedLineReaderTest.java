package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines of a child's stream come whole up to the limit, and cut past it, the rest dropped. */
class BoundedLineReaderTest {

  private static List<BoundedLineReader.Line> lines(InputStream in, int limit) throws IOException {
    BoundedLineReader reader = new BoundedLineReader(in, limit);
    List<BoundedLineReader.Line> lines = new ArrayList<>();
    BoundedLineReader.Line line;
    while ((line = reader.next()) != null) {
      lines.add(line);
    }
    assertNull(reader.next(), "the end stays the end");
    return lines;
  }

  private static InputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A stream that hands out at most {@code chunk} bytes per read, as a pipe may. */
  private static InputStream trickle(String text, int chunk) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }

  private static BoundedLineReader.Line whole(String text) {
    return new BoundedLineReader.Line(text, text.getBytes(StandardCharsets.UTF_8).length, false);
  }

  @Test
  void splitsLinesDroppingTheirBreaksAndKeepsALastLineWithoutOne() throws IOException {
    // the carriage return of a CRLF line leaves its text but still counts among its bytes
    assertEquals(
        List.of(
            whole("one"), whole(""), new BoundedLineReader.Line("three", 6, false), whole("last")),
        lines(bytes("one\n\nthree\r\nlast"), 100));
  }

  @Test
  void emptyStreamHasNoLines() throws IOException {
    assertEquals(List.of(), lines(bytes(""), 100));
  }

  @Test
  void lineAtTheLimitIsWhole() throws IOException {
    assertEquals(
        List.of(whole("0123456789"), whole("next")), lines(bytes("0123456789\nnext\n"), 10));
  }

  @Test
  void lineBeyondTheLimitIsCutAndCountedAndTheNextIsWhole() throws IOException {
    assertEquals(
        List.of(new BoundedLineReader.Line("0123456789", 25, true), whole("next")),
        lines(bytes("0123456789abcdefghijklmno\nnext\n"), 10));
  }

  @Test
  void linesSplitAcrossReadsComeWhole() throws IOException {
    assertEquals(
        List.of(whole("grüße aus"), whole("köln"), whole("!")),
        lines(trickle("grüße aus\nköln\n!", 3), 100));
  }

  @Test
  void lineLongerThanTheReadBufferAndTheLimitIsCutAtTheLimit() throws IOException {
    int limit = 100_000;
    String huge = "z".repeat(3 << 20);
    List<BoundedLineReader.Line> lines = lines(bytes(huge + "\nafter\n"), limit);
    assertEquals(2, lines.size());
    assertEquals(
        new BoundedLineReader.Line(huge.substring(0, limit), huge.length(), true), lines.get(0));
    assertEquals(whole("after"), lines.get(1));
  }
}
