package dev.offload.runtime.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The runs of each job as {@link ChaosJob} wrote them, in the order they were written, and why each
 * run after the first happened.
 */
public final class ExecutionLog {

  /** Why a job ran again, read from how its previous run ended. */
  public enum Rerun {
    /** the previous run threw: a retry, as the contract requires */
    AFTER_FAILURE,
    /** the previous run never ended: its JVM died (kill -9, System.exit) or it is still going */
    AFTER_UNFINISHED,
    /** the previous run succeeded, but its result was not recorded (lost lease, crash) */
    AFTER_SUCCESS
  }

  private final Map<Integer, List<String>> events = new HashMap<>();

  public ExecutionLog(Path file) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    for (String line : Files.readAllLines(file)) {
      String[] fields = line.split(" ");
      if (fields.length == 3) {
        events.computeIfAbsent(Integer.parseInt(fields[0]), t -> new ArrayList<>()).add(fields[1]);
      }
    }
  }

  /** How many times the job started. */
  public int runs(int token) {
    return (int) events(token).stream().filter("start"::equals).count();
  }

  /** Why each run after the first happened. */
  public List<Rerun> reruns(int token) {
    List<Rerun> reruns = new ArrayList<>();
    String lastEnd = null;
    boolean started = false;
    for (String event : events(token)) {
      if (event.equals("start")) {
        if (started) {
          reruns.add(
              lastEnd == null
                  ? Rerun.AFTER_UNFINISHED
                  : lastEnd.equals("ok") ? Rerun.AFTER_SUCCESS : Rerun.AFTER_FAILURE);
        }
        started = true;
        lastEnd = null;
      } else {
        lastEnd = event;
      }
    }
    return reruns;
  }

  /** The job's events, e.g. {@code [start, fail, start, ok]}. */
  public List<String> events(int token) {
    return events.getOrDefault(token, List.of());
  }
}
