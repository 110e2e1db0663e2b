package dev.offload.runtime.internal.store;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Finding a refused login or a failed TLS handshake among a failure's causes and suppressed
 * failures, which may lead back to the failure itself.
 */
class AccessRefusalTest {

  @Test
  void aFailureThatLeadsBackToItselfIsWalkedOnceAndFoundToBeNoRefusal() {
    JedisConnectionException outer = new JedisConnectionException("Failed to connect");
    JedisConnectionException inner = new JedisConnectionException("Connection refused", outer);
    outer.addSuppressed(inner);
    inner.addSuppressed(outer);

    assertNull(Redis.accessRefusal(outer, seen()));
  }

  @Test
  void aRefusalInsideALoopIsFound() {
    JedisConnectionException outer = new JedisConnectionException("Failed to connect");
    JedisDataException wrongPassword =
        new JedisDataException("WRONGPASS invalid username-password pair");
    JedisConnectionException inner = new JedisConnectionException("cannot log in", wrongPassword);
    wrongPassword.addSuppressed(outer);
    outer.addSuppressed(inner);

    assertSame(wrongPassword, Redis.accessRefusal(outer, seen()));
  }

  @Test
  void aFailedHandshakeDeepInTheCausesIsFound() {
    SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
    JedisConnectionException failure =
        new JedisConnectionException(
            "Failed to connect", new JedisConnectionException("no pool", handshake));

    assertSame(handshake, Redis.accessRefusal(failure, seen()));
  }

  private static Set<Throwable> seen() {
    return Collections.newSetFromMap(new IdentityHashMap<>());
  }
}
