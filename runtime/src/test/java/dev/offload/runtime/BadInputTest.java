package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobFailure;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.RedisExtension;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

class BadInputTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  /** A job no agent in these tests knows. */
  record Unregistered(String text) implements JobDefinition<String> {
    @Override
    public String jobName() {
      return "test.not-deployed";
    }

    @Override
    public String run() {
      return text;
    }
  }

  @Test
  void unknownJobNameEndsInFailureStoreSayingWhy() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
      JobHandle<String> handle = client.enqueue(new Unregistered("x"));
      assertEquals(JobStatus.FAILED, handle.await(Duration.ofSeconds(10)));
      JobFailure failure = handle.failure().orElseThrow();
      assertTrue(
          failure.lastError().startsWith("unknown job \"test.not-deployed\""), failure.lastError());
      assertEquals("{\"text\":\"x\"}", failure.arguments());
      assertEquals(
          JobStatus.SUCCEEDED, client.enqueue(new Add(1, 2)).await(Duration.ofSeconds(10)));
    }
  }

  @Test
  void argumentsThatDoNotDeserializeFailTheJobNotTheAgent() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      String record =
          "{\"name\":\"test.add\",\"args\":{\"a\":\"not a number\",\"b\":1},"
              + "\"attempt\":0,\"maxAttempts\":1,\"timeoutMs\":0,\"enqueuedAt\":0}";
      jedis.hset(prefix + "data-store:{default}", "900001", record);
      jedis.lpush(prefix + "queue:{default}", "900001");
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(
            JobStatus.FAILED, client.watcher().await("default", 900001, Duration.ofSeconds(10)));
        String error = client.failure("default", 900001).orElseThrow().lastError();
        assertTrue(
            error.startsWith(
                "arguments of job \"test.add\" do not fit " + "dev.offload.runtime.jobs.Add: "),
            error);
        assertEquals(
            JobStatus.SUCCEEDED, client.enqueue(new Add(1, 2)).await(Duration.ofSeconds(10)));
      }
    }
  }

  @Test
  void malformedRecordMovesToFailureStoreWithItsRawData() throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        UnifiedJedis jedis = REDIS.jedis()) {
      jedis.hset(prefix + "data-store:{default}", "900002", "this is {not json");
      jedis.lpush(prefix + "queue:{default}", "900002");
      try (Agent agent = Agents.fast(REDIS.url(), prefix).workers(1, "default").build().start()) {
        assertEquals(
            JobStatus.FAILED, client.watcher().await("default", 900002, Duration.ofSeconds(10)));
        JobFailure failure = client.failure("default", 900002).orElseThrow();
        assertTrue(
            failure.lastError().startsWith("malformed record in data-store: not a job record"),
            failure.lastError());
        assertEquals("this is {not json", failure.arguments());
        assertEquals(0, jedis.hlen(prefix + "data-store:{default}"));
        assertEquals(
            JobStatus.SUCCEEDED, client.enqueue(new Add(1, 2)).await(Duration.ofSeconds(10)));
      }
    }
  }

  @Test
  void payloadOverTheLimitIsRefusedAtEnqueueWithItsSize() {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client =
        OffloadClient.builder(REDIS.url()).prefix(prefix).maxPayloadBytes(1000).build()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> client.enqueue(new Unregistered("x".repeat(2000))));
      assertTrue(
          e.getMessage().startsWith("cannot enqueue test.not-deployed: its record is 2,"),
          e.getMessage());
      assertTrue(e.getMessage().contains("over the limit of 1,000 bytes"), e.getMessage());
      assertEquals(0, client.admin().counts("default").pending());
    }
  }

  @Test
  void invalidQueueNameIsRefusedAtEnqueue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> JobOptions.defaults().queue("mail}:x"));
    assertEquals(
        "invalid queue name \"mail}:x\": use 1 to 64 letters, digits, '-', '_' or '.'",
        e.getMessage());
  }

  @Test
  void redisDownAtEnqueueGivesAClearException() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (OffloadClient client = OffloadClient.create("redis://127.0.0.1:" + closedPort)) {
      RedisUnavailableException e =
          assertThrows(RedisUnavailableException.class, () -> client.enqueue(new Add(1, 1)));
      assertTrue(
          e.getMessage().startsWith("Redis at redis://127.0.0.1:" + closedPort + " is unreachable"),
          e.getMessage());
    }
  }

  @Test
  void malformedRedisUrlIsRefusedWithTheExpectedForm() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> OffloadClient.create("http://localhost:6379"));
    assertEquals(
        "invalid Redis URL: scheme must be redis://, rediss:// (TLS), redis-cluster://,"
            + " rediss-cluster://, redis-sentinel:// or rediss-sentinel://, was \"http\"",
        e.getMessage());
  }
}
