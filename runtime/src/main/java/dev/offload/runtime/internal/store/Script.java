package dev.offload.runtime.internal.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One Lua script of this package, called by its SHA and loaded again whenever Redis answers
 * NOSCRIPT (after a restart or a {@code SCRIPT FLUSH}).
 *
 * <p>Every script starts with a {@code #!lua} line, which makes Redis 7 decide before the script
 * runs whether it may run at all: a script that writes is refused whole under {@code -OOM}, on a
 * read-only replica or while loading, instead of failing at its first write with the commands
 * before it already applied. Then come the helpers of {@code prelude.lua} and {@code journal.lua}.
 *
 * <p>Contract: each script touches the keys of one queue (one Cluster slot) plus, for {@code
 * enqueue} and {@code reserve_ids}, the installation's epoch; each is either idempotent per job id
 * or fenced by the worker's processing list, as its header says, so that sending one again after a
 * lost reply never records a job twice. A script that takes jobs is the exception: sent again it
 * takes more, so {@link JobStore} sends it once and the worker re-reads its processing lists after
 * any failure.
 */
final class Script {

  private static final String PRELUDE = resource("prelude.lua");

  /** Helpers for what scripts note down for operators: timelines, history, run times. */
  private static final String JOURNAL = resource("journal.lua");

  static final Script ENQUEUE = new Script("enqueue.lua", "");
  static final Script RESERVE_IDS = new Script("reserve_ids.lua", "");
  static final Script FINISH_AND_TAKE = new Script("finish_and_take.lua", "");
  static final Script FAIL_ATTEMPT = new Script("fail_attempt.lua", "");
  static final Script RETURN_TO_QUEUE = new Script("return_to_queue.lua", "");
  static final Script PROMOTE_DUE = new Script("promote_due.lua", "");
  static final Script JOB_STATUS = new Script("job_status.lua", "flags=no-writes");
  static final Script DELETE_PENDING = new Script("delete_pending.lua", "");
  static final Script RETRY_FAILED = new Script("retry_failed.lua", "");
  static final Script CLEAR_FAILURES = new Script("clear_failures.lua", "");
  static final Script INDEX_TIMES = new Script("index_times.lua", "");
  static final Script SWEEP_ORPHANS = new Script("sweep_orphans.lua", "");

  private final String name;
  private final String source;
  private final String sha;

  private Script(String name, String flags) {
    this.name = name;
    this.source =
        ("#!lua " + flags).strip() + "\n" + PRELUDE + "\n" + JOURNAL + "\n" + resource(name);
    this.sha = sha1(source);
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

  Object run(Jedis jedis, List<String> keys, List<String> args) {
    try {
      return jedis.evalsha(sha, keys, args);
    } catch (JedisNoScriptException e) {
      jedis.scriptLoad(source);
      return jedis.evalsha(sha, keys, args);
    }
  }

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
