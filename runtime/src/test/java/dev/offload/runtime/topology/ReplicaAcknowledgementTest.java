package dev.offload.runtime.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobStatus;
import dev.offload.redisserver.RedisServerProcess;
import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.testing.Poll;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** An enqueue that must reach a replica returns only once one holds it, and fails otherwise. */
class ReplicaAcknowledgementTest {

  private static final List<String> NO_DISK = List.of("--appendonly", "no", "--save", "");

  @Test
  void withoutAReplicaTheEnqueueFailsAndSaysWhy() {
    try (RedisServerProcess primary = RedisServerProcess.startWith(NO_DISK);
        OffloadClient client =
            OffloadClient.builder(primary.url())
                .enqueueAcknowledgedByReplicas(1, Duration.ofMillis(200))
                .build()) {
      RedisUnavailableException e =
          assertThrows(RedisUnavailableException.class, () -> client.enqueue(new Add(1, 2)));
      assertTrue(
          e.getMessage()
              .startsWith("the enqueue reached 0 of the 1 replica(s) required within 200"),
          e.getMessage());
    }
  }

  @Test
  void aReplicaInSyncAcknowledgesEveryEnqueueAndHoldsIt() {
    try (RedisServerProcess primary = RedisServerProcess.startWith(NO_DISK);
        RedisServerProcess replica =
            RedisServerProcess.startWith(
                List.of(
                    "--appendonly",
                    "no",
                    "--save",
                    "",
                    "--replicaof",
                    "127.0.0.1",
                    Integer.toString(primary.port())));
        Jedis onReplica = new Jedis("127.0.0.1", replica.port());
        OffloadClient client =
            OffloadClient.builder(primary.url())
                .enqueueAcknowledgedByReplicas(1, Duration.ofSeconds(2))
                .build()) {
      Poll.until(
          Duration.ofSeconds(10),
          "the replica is in sync",
          () -> onReplica.info("replication").contains("master_link_status:up"));
      for (int i = 0; i < 20; i++) {
        long id = client.enqueue(new Add(i, i)).id();
        // read at once from the replica: WAIT returned, so it has the job
        assertTrue(
            onReplica.hexists("offload:data-store:{default}", Long.toString(id)),
            "job " + id + " was acknowledged before the replica held it");
      }
      assertEquals(JobStatus.QUEUED, client.status("default", client.enqueue(new Add(0, 0)).id()));
    }
  }
}
