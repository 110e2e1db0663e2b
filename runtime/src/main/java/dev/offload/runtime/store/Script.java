package dev.offload.runtime.store;

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
 */
final class Script {

  static final Script ENQUEUE = new Script("enqueue.lua");
  static final Script FINISH_AND_TAKE = new Script("finish_and_take.lua");
  static final Script FAIL_ATTEMPT = new Script("fail_attempt.lua");
  static final Script RETURN_TO_QUEUE = new Script("return_to_queue.lua");
  static final Script PROMOTE_DUE = new Script("promote_due.lua");
  static final Script JOB_STATUS = new Script("job_status.lua");
  static final Script DELETE_PENDING = new Script("delete_pending.lua");
  static final Script RETRY_FAILED = new Script("retry_failed.lua");

  private final String name;
  private final String source;
  private final String sha;

  private Script(String name) {
    this.name = name;
    try (InputStream in = Script.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("script resource missing: " + name);
      }
      this.source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.sha = sha1(source);
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
