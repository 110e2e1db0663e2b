package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A failure record keeps the last lines a job printed, within 50 lines and 8 KB. */
class OutputTailTest {

  @Test
  void keepsTheLastFiftyLines() {
    OutputTail tail = new OutputTail();
    for (int i = 1; i <= 100; i++) {
      tail.add("line " + i + "\n");
    }
    String text = tail.text();
    assertEquals(OutputTail.MAX_LINES, text.split("\n").length);
    assertTrue(text.startsWith("line 51\n"), text);
    assertTrue(text.endsWith("line 100\n"), text);
  }

  @Test
  void lineArrivingInPiecesIsOneLine() {
    OutputTail tail = new OutputTail();
    tail.add("wor");
    tail.add("ld\nsecond");
    tail.add(" half");
    assertEquals("world\nsecond half", tail.text());
  }

  @Test
  void dropsWholeOldLinesToStayWithinTheCharacters() {
    OutputTail tail = new OutputTail();
    String line = "x".repeat(1000) + "\n";
    for (int i = 0; i < 20; i++) {
      tail.add(line);
    }
    // nine lines of 1001 characters would pass 8192
    assertEquals(line.repeat(8), tail.text());
  }

  @Test
  void lineLongerThanTheLimitKeepsItsEnd() {
    OutputTail tail = new OutputTail();
    tail.add("a".repeat(OutputTail.MAX_CHARS) + "end\n");
    String text = tail.text();
    assertEquals(OutputTail.MAX_CHARS, text.length());
    assertTrue(text.endsWith("aend\n"), text);
  }

  @Test
  void endlessPartialLineKeepsItsEnd() {
    OutputTail tail = new OutputTail();
    for (int i = 0; i < 10; i++) {
      tail.add("y".repeat(OutputTail.MAX_CHARS));
    }
    tail.add("last");
    String text = tail.text();
    assertEquals(OutputTail.MAX_CHARS, text.length());
    assertTrue(text.endsWith("ylast"), text);
  }

  @Test
  void clearForgetsLinesAndPartialLine() {
    OutputTail tail = new OutputTail();
    tail.add("old\nhalf");
    tail.clear();
    tail.add("new\n");
    assertEquals("new\n", tail.text());
  }
}
