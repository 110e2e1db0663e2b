package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.Isolation;
import dev.offload.api.JobDefinition;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.api.JobStatus;
import dev.offload.api.UserFacingException;
import dev.offload.runtime.agent.Agent;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.internal.store.FailureRecords;
import dev.offload.runtime.support.Agents;
import dev.offload.runtime.support.Stores;
import dev.offload.testing.RedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What a job lets the widget show: its result when it opts in, a failure's user-facing message. */
class WidgetOptInTest {

  @RegisterExtension static final RedisExtension REDIS = new RedisExtension();

  /** A job whose result the widget may show. */
  record Shown(String text) implements JobDefinition<String> {
    static final String NAME = "test.shown";

    @Override
    public String jobName() {
      return NAME;
    }

    @Override
    public String run() {
      return text;
    }

    @Override
    public boolean showsResult() {
      return true;
    }
  }

  /** A job whose result stays private. */
  record Hidden(String text) implements JobDefinition<String> {
    static final String NAME = "test.hidden";

    @Override
    public String jobName() {
      return NAME;
    }

    @Override
    public String run() {
      return text;
    }
  }

  /** Fails with a message for end users, or with an internal one. */
  record Refuse(String message, boolean userFacing) implements JobDefinition<Void> {
    static final String NAME = "test.refuse";

    @Override
    public String jobName() {
      return NAME;
    }

    @Override
    public Void run() {
      throw userFacing ? new UserFacingException(message) : new IllegalStateException(message);
    }
  }

  /** Would show its result, but fails. */
  record ShownButFails(String message) implements JobDefinition<String> {
    static final String NAME = "test.shown-but-fails";

    @Override
    public String jobName() {
      return NAME;
    }

    @Override
    public String run() {
      throw new IllegalStateException(message);
    }

    @Override
    public boolean showsResult() {
      return true;
    }
  }

  private static Agent agent(String prefix) {
    return agent(prefix, Isolation.THREAD);
  }

  private static Agent agent(String prefix, Isolation isolation) {
    return Agents.fast(REDIS.url(), prefix)
        .isolation(isolation)
        .registry(
            JobRegistry.builder()
                .register(Shown.NAME, Shown.class)
                .register(Hidden.NAME, Hidden.class)
                .register(Refuse.NAME, Refuse.class)
                .register(ShownButFails.NAME, ShownButFails.class)
                .build())
        .workers(1, "default")
        .build()
        .start();
  }

  @Test
  void onlyJobsThatOptInHaveTheirResultMarkedPublicUntilItIsRemoved() throws Exception {
    String prefix = REDIS.newPrefix();
    try (Stores stores = new Stores(REDIS, prefix);
        OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = agent(prefix)) {
      List<JobHandle<String>> handles =
          client.enqueueAll(
              List.of(new Shown("a"), new Hidden("b"), new Shown("c")), JobOptions.defaults());
      for (JobHandle<String> handle : handles) {
        assertEquals(JobStatus.SUCCEEDED, handle.await(Duration.ofSeconds(10)));
      }

      assertTrue(stores.resultIsPublic("default", handles.get(0).id()));
      assertFalse(stores.resultIsPublic("default", handles.get(1).id()));
      assertTrue(stores.resultIsPublic("default", handles.get(2).id()));

      assertTrue(client.admin().removeResult("default", handles.get(0).id()));
      assertFalse(stores.resultIsPublic("default", handles.get(0).id()));
    }
  }

  @Test
  void jobsThatFailAreDeletedOrClearedLeaveNoPublicMark() throws Exception {
    String prefix = REDIS.newPrefix();
    try (Stores stores = new Stores(REDIS, prefix);
        OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = agent(prefix)) {
      JobHandle<String> failed =
          client.enqueue(new ShownButFails("no"), JobOptions.defaults().attempts(1));
      JobHandle<String> deleted =
          client.enqueue(new Shown("later"), JobOptions.defaults().delay(Duration.ofHours(1)));
      assertTrue(stores.resultIsPublic("default", deleted.id()));
      assertEquals(JobStatus.FAILED, failed.await(Duration.ofSeconds(10)));
      assertTrue(client.admin().deletePending("default", deleted.id()));
      assertFalse(stores.resultIsPublic("default", failed.id()));
      assertFalse(stores.resultIsPublic("default", deleted.id()));

      assertTrue(client.admin().retryFailure("default", failed.id()));
      assertEquals(JobStatus.FAILED, failed.await(Duration.ofSeconds(10)));
      client.admin().clearFailures("default");
      assertFalse(stores.resultIsPublic("default", failed.id()));
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"THREAD", "PROCESS"})
  void userFacingMessageOfTheLastAttemptIsKeptInTheFailureRecord(Isolation isolation)
      throws Exception {
    String prefix = REDIS.newPrefix();
    try (Stores stores = new Stores(REDIS, prefix);
        OffloadClient client = OffloadClient.builder(REDIS.url()).prefix(prefix).build();
        Agent agent = agent(prefix, isolation)) {
      JobOptions once = JobOptions.defaults().attempts(1);
      JobHandle<Void> userFacing = client.enqueue(new Refuse("Card declined.", true), once);
      JobHandle<Void> internal = client.enqueue(new Refuse("db password wrong", false), once);
      assertEquals(JobStatus.FAILED, userFacing.await(Duration.ofSeconds(10)));
      assertEquals(JobStatus.FAILED, internal.await(Duration.ofSeconds(10)));

      assertEquals(
          Optional.of("Card declined."),
          FailureRecords.publicMessage(stores.failure("default", userFacing.id()).orElseThrow()));
      assertEquals(
          Optional.empty(),
          FailureRecords.publicMessage(stores.failure("default", internal.id()).orElseThrow()));
      assertEquals(
          "dev.offload.api.UserFacingException: Card declined.",
          userFacing.failure().orElseThrow().lastError());
    }
  }
}
