package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.offload.api.JobHandle;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Noop;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.Stores;
import dev.offload.testing.Poll;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many jobs through several workers: every result present once, nothing left behind. */
class VolumeTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  @Test
  void twentyThousandJobsThroughFourWorkersLeaveEveryResultOnceAndNothingInFlight()
      throws Exception {
    String prefix = REDIS.newPrefix();
    try (OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Stores stores = new Stores(REDIS, prefix);
        Agent agent = Agents.fast(REDIS.url(), prefix).workers(4, "default").build().start()) {
      List<Noop> jobs = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        jobs.add(new Noop(i));
      }
      List<JobHandle<Integer>> handles = client.enqueueAll(jobs);
      Poll.until(
          Duration.ofSeconds(120),
          "all 20,000 results are stored",
          () -> stores.resultStoreSize("default"),
          n -> n == 20_000);
      for (int i = 0; i < handles.size(); i++) {
        assertEquals(Optional.of(i), handles.get(i).result());
      }
      assertEquals(0, stores.dataStoreSize("default"));
      assertEquals(0, stores.pendingAndDelayed("default"));
      assertEquals(List.of(), stores.processingLists());
    }
  }
}
