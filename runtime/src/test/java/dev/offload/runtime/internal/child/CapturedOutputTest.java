package dev.offload.runtime.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a job prints reaches the worker whole lines at a time, in pieces of at most 8 KB, and
 * entirely once the job ends.
 */
class CapturedOutputTest {

  private final List<String> passedOn = new ArrayList<>();
  private final CapturedOutput captured = new CapturedOutput(passedOn::add);

  /** As the child installs it: flushed after every println. */
  private final PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);

  @Test
  void completeLinesGoOutAndAPartialLineWaitsForItsEnd() {
    out.println("first");
    out.print("sec");
    out.flush();
    assertEquals(List.of("first\n"), passedOn);
    out.println("ond");
    assertEquals(List.of("first\n", "second\n"), passedOn);
  }

  @Test
  void drainPassesOnAPartialLineWhenTheJobEnds() {
    out.print("no line break");
    out.flush();
    assertEquals(List.of(), passedOn);
    captured.drain();
    assertEquals(List.of("no line break"), passedOn);
    captured.drain();
    assertEquals(List.of("no line break"), passedOn, "nothing is passed on twice");
  }

  @Test
  void largeWriteGoesOutInPiecesOfAtMost8Kb() {
    byte[] large = "q".repeat(20_000).getBytes(StandardCharsets.UTF_8);
    captured.write(large, 0, large.length);
    assertEquals(List.of("q".repeat(8192), "q".repeat(8192)), passedOn);
    captured.drain();
    assertEquals(3, passedOn.size());
    assertEquals(20_000, String.join("", passedOn).length());
  }

  @Test
  void byteAtATimeWritesAlsoGoOutAt8Kb() {
    for (int i = 0; i < 8192; i++) {
      captured.write('b');
    }
    assertEquals(List.of("b".repeat(8192)), passedOn);
  }

  @Test
  void pieceNeverSplitsACharacter() {
    // 8191 ASCII bytes and then a two-byte character straddle the 8 KB boundary
    out.print("a".repeat(8191) + "éz");
    captured.drain();
    assertEquals(List.of("a".repeat(8191), "éz"), passedOn);
  }

  @Test
  void closingSystemOutDoesNotEndTheCaptureForLaterJobs() {
    out.print("before close\n");
    out.close();
    captured.write('x');
    captured.drain();
    assertEquals(List.of("before close\n", "x"), passedOn);
  }
}
