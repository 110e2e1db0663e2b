package dev.offload.runtime.chaos;

import dev.offload.runtime.chaos.ExecutionLog.Rerun;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import redis.clients.jedis.commands.JedisCommands;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Checks the delivery contract at the end of a chaos run against what Redis holds: each enqueued id
 * in exactly one of {@code result-store:{q}} and {@code failure-store:{q}}, nothing left in any
 * queue, delayed set or processing list, and every run accounted for.
 */
public final class InvariantCheck {

  /** What the driver enqueued as one job. */
  public record Enqueued(int token, String queue, String kind, int attempts) {}

  /** The figures of one check; the bar is {@code lost == both == leftovers == 0}. */
  public record Report(
      int enqueued,
      int inResults,
      int inFailures,
      int both,
      int lost,
      int leftovers,
      int leftoverEntries,
      int dataLeftovers,
      int wrongResults,
      int unknownIds,
      int failedWithoutRun,
      int succeededWithoutRun,
      Map<Integer, Integer> runHistogram,
      Map<Rerun, Integer> reruns,
      List<String> examples) {

    public boolean meetsTheBar() {
      return lost == 0 && both == 0 && leftovers == 0;
    }

    public String table() {
      StringBuilder out = new StringBuilder();
      out.append("| check | count | bar |\n|---|---:|---:|\n");
      row(out, "ids enqueued", enqueued, "");
      row(out, "in result-store", inResults, "");
      row(out, "in failure-store", inFailures, "");
      row(out, "in both stores", both, "0");
      row(out, "in neither store (lost)", lost, "0");
      row(out, "ids left in a queue, delayed set or processing list", leftovers, "0");
      row(out, "entries left in those keys", leftoverEntries, "0");
      row(out, "finished ids still in data-store", dataLeftovers, "");
      row(out, "results not matching their job", wrongResults, "");
      row(out, "ids in the stores that were never enqueued", unknownIds, "");
      row(out, "failed without ever starting", failedWithoutRun, "");
      row(out, "succeeded without a recorded run", succeededWithoutRun, "");
      runHistogram.forEach((runs, ids) -> row(out, "ids run " + runs + " time(s)", ids, ""));
      row(
          out,
          "extra runs after a failed run (retries)",
          reruns.getOrDefault(Rerun.AFTER_FAILURE, 0),
          "");
      row(
          out,
          "extra runs after a run that never ended (JVM killed or exited)",
          reruns.getOrDefault(Rerun.AFTER_UNFINISHED, 0),
          "");
      row(
          out,
          "extra runs after a successful run (result not recorded)",
          reruns.getOrDefault(Rerun.AFTER_SUCCESS, 0),
          "");
      if (!examples.isEmpty()) {
        out.append("\nexamples:\n");
        examples.forEach(e -> out.append("  ").append(e).append('\n'));
      }
      return out.toString();
    }

    private static void row(StringBuilder out, String check, int count, String bar) {
      out.append("| ")
          .append(check)
          .append(" | ")
          .append(count)
          .append(" | ")
          .append(bar)
          .append(" |\n");
    }
  }

  private static final int EXAMPLES_PER_KIND = 5;

  private InvariantCheck() {}

  /**
   * Reads the stores and lists of {@code queues} under {@code prefix} through {@code jedis}, a
   * standalone, cluster or Sentinel client alike (every key read carries its queue's hash tag).
   */
  public static Report check(
      JedisCommands jedis,
      String prefix,
      List<String> queues,
      Map<Long, Enqueued> jobs,
      ExecutionLog log) {
    Map<Long, String> results = new HashMap<>();
    Set<Long> failures = new HashSet<>();
    Set<Long> data = new HashSet<>();
    Map<Long, Integer> leftovers = new HashMap<>();
    List<String> where = new ArrayList<>();
    for (String queue : queues) {
      String tag = "{" + queue + "}";
      jedis
          .hgetAll(prefix + "result-store:" + tag)
          .forEach((id, result) -> results.put(Long.parseLong(id), result));
      jedis.hkeys(prefix + "failure-store:" + tag).forEach(id -> failures.add(Long.parseLong(id)));
      jedis.hkeys(prefix + "data-store:" + tag).forEach(id -> data.add(Long.parseLong(id)));
      List<String> queued = jedis.lrange(prefix + "queue:" + tag, 0, -1);
      List<String> delayed = jedis.zrange(prefix + "delayed:" + tag, 0, -1);
      List<String> processing = new ArrayList<>();
      for (String key : scan(jedis, prefix + "processing:" + tag + ":*")) {
        List<String> ids = jedis.lrange(key, 0, -1);
        String worker = key.substring((prefix + "processing:" + tag + ":").length());
        if (!ids.isEmpty()) {
          where.add(
              ids.size()
                  + " in processing list of "
                  + worker
                  + (jedis.sismember(prefix + "workers", worker)
                      ? " (registered)"
                      : " (not in workers)")
                  + (jedis.exists(prefix + "worker:" + worker)
                      ? ", heartbeat alive"
                      : ", heartbeat expired"));
        }
        processing.addAll(ids);
      }
      if (!queued.isEmpty() || !delayed.isEmpty()) {
        where.add(
            queued.size() + " in queue:" + tag + ", " + delayed.size() + " in delayed:" + tag);
      }
      for (List<String> held : List.of(queued, delayed, processing)) {
        held.forEach(id -> leftovers.merge(Long.parseLong(id), 1, Integer::sum));
      }
    }

    Map<String, List<String>> examples = new TreeMap<>();
    int inResults = 0;
    int inFailures = 0;
    int both = 0;
    int lost = 0;
    int dataLeftovers = 0;
    int wrongResults = 0;
    int failedWithoutRun = 0;
    int succeededWithoutRun = 0;
    Map<Integer, Integer> histogram = new TreeMap<>();
    Map<Rerun, Integer> reruns = new EnumMap<>(Rerun.class);
    for (Map.Entry<Long, Enqueued> entry : jobs.entrySet()) {
      long id = entry.getKey();
      Enqueued job = entry.getValue();
      boolean succeeded = results.containsKey(id);
      boolean failed = failures.contains(id);
      int runs = log.runs(job.token());
      histogram.merge(runs, 1, Integer::sum);
      log.reruns(job.token()).forEach(r -> reruns.merge(r, 1, Integer::sum));
      inResults += succeeded ? 1 : 0;
      inFailures += failed ? 1 : 0;
      if (succeeded && failed) {
        both++;
        example(examples, "in both", id, job, log);
      }
      if (!succeeded && !failed) {
        lost++;
        example(
            examples, "lost" + (leftovers.containsKey(id) ? " (still held)" : ""), id, job, log);
      }
      if ((succeeded || failed) && data.contains(id)) {
        dataLeftovers++;
        example(examples, "finished, still in data-store", id, job, log);
      }
      if (succeeded && !results.get(id).equals(Integer.toString(job.token()))) {
        wrongResults++;
        example(examples, "wrong result " + results.get(id), id, job, log);
      }
      if (failed && runs == 0) {
        failedWithoutRun++;
        example(examples, "failed without starting", id, job, log);
      }
      if (succeeded && runs == 0) {
        succeededWithoutRun++;
        example(examples, "succeeded without a run", id, job, log);
      }
      if (log.reruns(job.token()).contains(Rerun.AFTER_SUCCESS)) {
        example(examples, "run again after success", id, job, log);
      }
    }
    Set<Long> unknown = new HashSet<>(results.keySet());
    unknown.addAll(failures);
    unknown.removeAll(jobs.keySet());
    List<String> lines = new ArrayList<>(where);
    examples.forEach((kind, ids) -> lines.add(kind + ": " + String.join("; ", ids)));
    leftovers.entrySet().stream()
        .limit(EXAMPLES_PER_KIND)
        .forEach(
            held ->
                lines.add(
                    "left over: id " + held.getKey() + " held " + held.getValue() + " time(s)"));
    return new Report(
        jobs.size(),
        inResults,
        inFailures,
        both,
        lost,
        leftovers.size(),
        leftovers.values().stream().mapToInt(Integer::intValue).sum(),
        dataLeftovers,
        wrongResults,
        unknown.size(),
        failedWithoutRun,
        succeededWithoutRun,
        histogram,
        reruns,
        lines);
  }

  private static void example(
      Map<String, List<String>> examples, String kind, long id, Enqueued job, ExecutionLog log) {
    List<String> list = examples.computeIfAbsent(kind, k -> new ArrayList<>());
    if (list.size() < EXAMPLES_PER_KIND) {
      list.add(
          "id "
              + id
              + " ("
              + job.queue()
              + ", "
              + job.kind()
              + ", attempts "
              + job.attempts()
              + ", runs "
              + log.events(job.token()).stream().collect(Collectors.joining(","))
              + ")");
    }
  }

  private static List<String> scan(JedisCommands jedis, String pattern) {
    List<String> keys = new ArrayList<>();
    String cursor = ScanParams.SCAN_POINTER_START;
    do {
      ScanResult<String> page = jedis.scan(cursor, new ScanParams().match(pattern).count(1_000));
      keys.addAll(page.getResult());
      cursor = page.getCursor();
    } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    return keys;
  }
}
