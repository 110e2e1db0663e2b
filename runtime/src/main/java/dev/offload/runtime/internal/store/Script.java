package dev.offload.runtime.internal.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One Lua script of this package, called by its SHA and loaded again whenever Redis answers
 * NOSCRIPT (after a restart or a {@code SCRIPT FLUSH}).
 *
 * <p>Every script starts with a {@code #!lua} line, which makes Redis 7 decide before the script
 * runs whether it may run at all: a script that writes is refused whole under {@code -OOM}, on a
 * read-only replica or while loading, instead of failing at its first write with the commands
 * before it already applied. Then come those helpers of {@code prelude.lua} and {@code journal.lua}
 * that the script calls: Lua builds every helper's closure on every call of a script, whether it
 * calls the helper or not, which cost a one-job enqueue about a twentieth of its time in Redis.
 *
 * <p>Contract: each script touches the keys of one Cluster slot: those of one queue, or for {@code
 * reserve_ids} the id counter and the epoch, which share a slot. Off a Cluster, {@code enqueue}
 * also reads the epoch, which on a Cluster its caller reads first. A script is called on the node
 * of its first key's slot, whose script cache is loaded there on NOSCRIPT. Each is either
 * idempotent per job id or fenced by the worker's processing list, as its header says, so that
 * sending one again after a lost reply never records a job twice. A script that takes jobs is the
 * exception: sent again it takes more, so {@link JobStore} sends it once and the worker re-reads
 * its processing lists after any failure.
 */
final class Script {

  /** The name a helper defines: {@code local function name} or {@code local NAME =}. */
  private static final Pattern DEFINED =
      Pattern.compile("^local (?:function )?([A-Za-z_][A-Za-z0-9_]*)", Pattern.MULTILINE);

  private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * The helpers of {@code prelude.lua}, then those of {@code journal.lua} (what scripts note down
   * for operators: timelines, history, run times), in file order: a helper calls only helpers
   * before it, as Lua's locals must be defined before their use.
   */
  private static final List<Helper> HELPERS =
      Stream.concat(helpers(resource("prelude.lua")), helpers(resource("journal.lua"))).toList();

  static final Script ENQUEUE = new Script("enqueue.lua", "");
  static final Script RESERVE_IDS = new Script("reserve_ids.lua", "");
  static final Script FINISH_AND_TAKE = new Script("finish_and_take.lua", "");
  static final Script FAIL_ATTEMPT = new Script("fail_attempt.lua", "");
  static final Script RETURN_TO_QUEUE = new Script("return_to_queue.lua", "");
  static final Script PROMOTE_DUE = new Script("promote_due.lua", "");
  static final Script JOB_STATUS = new Script("job_status.lua", "flags=no-writes");
  static final Script DELETE_PENDING = new Script("delete_pending.lua", "");
  static final Script RETRY_FAILED = new Script("retry_failed.lua", "");
  static final Script CANCEL_JOB = new Script("cancel_job.lua", "");
  static final Script CLEAR_CHUNK = new Script("clear_chunk.lua", "");
  static final Script RUN_NOW = new Script("run_now.lua", "");
  static final Script INDEX_TIMES = new Script("index_times.lua", "");
  static final Script SWEEP_ORPHANS = new Script("sweep_orphans.lua", "");
  static final Script REMOVE_FINISHED = new Script("remove_finished.lua", "");
  static final Script EXPIRE_FINISHED = new Script("expire_finished.lua", "");
  static final Script PUT_SCHEDULE = new Script("put_schedule.lua", "");
  static final Script DUE_SCHEDULES = new Script("due_schedules.lua", "flags=no-writes");
  static final Script FIRE_SCHEDULE = new Script("fire_schedule.lua", "");
  static final Script CHANGE_SCHEDULE = new Script("change_schedule.lua", "");
  static final Script BATCH_MEMBER_ENDED = new Script("batch_member_ended.lua", "");

  /** Every script of this package. */
  static final List<Script> ALL =
      List.of(
          ENQUEUE,
          RESERVE_IDS,
          FINISH_AND_TAKE,
          FAIL_ATTEMPT,
          RETURN_TO_QUEUE,
          PROMOTE_DUE,
          JOB_STATUS,
          DELETE_PENDING,
          RETRY_FAILED,
          CANCEL_JOB,
          CLEAR_CHUNK,
          RUN_NOW,
          INDEX_TIMES,
          SWEEP_ORPHANS,
          REMOVE_FINISHED,
          EXPIRE_FINISHED,
          PUT_SCHEDULE,
          DUE_SCHEDULES,
          FIRE_SCHEDULE,
          CHANGE_SCHEDULE,
          BATCH_MEMBER_ENDED);

  /**
   * The scripts this process has had Redis run to completion, so that tests can tell that every
   * script ran on a topology.
   */
  static final Set<Script> RAN = ConcurrentHashMap.newKeySet();

  private final String name;
  private final String source;
  private final String sha;

  private Script(String name, String flags) {
    this.name = name;
    String body = resource(name);
    this.source = ("#!lua " + flags).strip() + "\n" + helpersFor(body) + body;
    this.sha = sha1(source);
  }

  /** A helper of a helper file: the name it defines, and its text with the comment above it. */
  private record Helper(String name, String text) {}

  /**
   * The helpers of a helper file: its blocks between blank lines (a helper has none inside it) that
   * define a name.
   */
  private static Stream<Helper> helpers(String file) {
    return Arrays.stream(file.split("\n\\s*\n"))
        .flatMap(
            block -> {
              Matcher defined = DEFINED.matcher(block);
              return defined.find() ? Stream.of(new Helper(defined.group(1), block)) : Stream.of();
            });
  }

  /**
   * The helpers that {@code body} calls, and those that they call in turn, in file order. A helper
   * is taken when its name appears in the text that needs it, comments included, so that none that
   * runs can be left out; one named only in a comment is merely taken for nothing.
   */
  private static String helpersFor(String body) {
    Set<String> needed = words(body);
    Deque<String> taken = new ArrayDeque<>();
    // from the last helper back: the ones a taken helper calls all come before it
    for (int i = HELPERS.size() - 1; i >= 0; i--) {
      Helper helper = HELPERS.get(i);
      if (needed.contains(helper.name())) {
        taken.addFirst(helper.text());
        needed.addAll(words(helper.text()));
      }
    }
    StringBuilder helpers = new StringBuilder();
    taken.forEach(text -> helpers.append(text).append("\n\n"));
    return helpers.toString();
  }

  private static Set<String> words(String text) {
    Set<String> words = new HashSet<>();
    Matcher word = WORD.matcher(text);
    while (word.find()) {
      words.add(word.group());
    }
    return words;
  }

  private static String resource(String name) {
    try (InputStream in = Script.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("script resource missing: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the script on the node that holds its keys, loading it there if that node lacks it. */
  Object run(UnifiedJedis jedis, List<String> keys, List<String> args) {
    Object reply;
    try {
      reply = jedis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      // script caches are per node: load it where its first key's slot lives
      jedis.scriptLoad(source, keys.get(0));
      reply = jedis.evalsha(sha, keys, args);
    }
    RAN.add(this);
    return reply;
  }

  /**
   * Runs the script on a connection of {@code pipelines}, then Redis's {@code WAIT} on that same
   * connection, which covers the script's writes; the script's reply and how many replicas
   * acknowledged its writes in time.
   */
  Waited runAndWait(
      Supplier<AbstractPipeline> pipelines,
      UnifiedJedis jedis,
      List<String> keys,
      List<String> args,
      int replicas,
      long timeoutMillis) {
    for (int attempt = 1; ; attempt++) {
      Response<Object> reply;
      Response<Long> acknowledged;
      try (AbstractPipeline pipeline = pipelines.get()) {
        reply = pipeline.evalsha(sha, keys, args);
        acknowledged = pipeline.waitReplicas(keys.get(0), replicas, timeoutMillis);
        Redis.sync(pipeline);
      }
      try {
        reply.get();
      } catch (JedisNoScriptException e) {
        if (attempt > 1) {
          throw e;
        }
        jedis.scriptLoad(source, keys.get(0));
        continue;
      }
      RAN.add(this);
      return new Waited(reply.get(), acknowledged.get());
    }
  }

  /** A script's reply and the count of replicas that acknowledged its writes. */
  record Waited(Object reply, long acknowledged) {}

  @Override
  public String toString() {
    return name;
  }

  private static String sha1(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }
}
