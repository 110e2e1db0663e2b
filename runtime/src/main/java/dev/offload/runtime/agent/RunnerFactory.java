package dev.offload.runtime.agent;

import dev.offload.api.Isolation;
import dev.offload.runtime.internal.child.ChildSpec;
import dev.offload.runtime.internal.child.ClassDataArchive;
import dev.offload.runtime.internal.execution.JobInvoker;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongConsumer;

/** Makes the {@link JobRunner} a worker needs for the isolation a job runs in. */
final class RunnerFactory {

  private final AgentConfig config;
  private final JobInvoker invoker;
  private final ChildSpec childSpec;
  private final ScheduledExecutorService timers;
  private final ProgressReports progress;

  /**
   * @param timers the agent's thread for job timeouts and child start limits
   * @param progress where running jobs' progress reports go
   */
  RunnerFactory(AgentConfig config, ScheduledExecutorService timers, ProgressReports progress) {
    this.progress = progress;
    this.config = config;
    this.invoker = new JobInvoker(config.registry());
    this.childSpec =
        new ChildSpec(
            config.childJava(),
            config.childClassPath(),
            config.childJvmOptions(),
            ChildSpec.jobClasses(config.registry()),
            config.childArchiveFolder().map(ClassDataArchive::new).orElse(null));
    this.timers = timers;
  }

  /**
   * @param slot the worker's place in the agent, which names a thread runner's job thread
   * @param childPids told the pid of the worker's child JVM whenever it changes, 0 for none
   */
  JobRunner create(Isolation isolation, String workerId, int slot, LongConsumer childPids) {
    return switch (isolation) {
      case THREAD ->
          new ThreadRunner(
              invoker, config.filters(), timers, "offload-w" + slot, progress, workerId);
      case PROCESS ->
          new ChildRunner(
              childSpec,
              timers,
              workerId,
              config.jobsPerChild(),
              config.childMemoryLimitBytes(),
              config.spareChild(),
              childPids,
              config.metrics(),
              progress);
      case PROCESS_PER_JOB ->
          new ChildRunner(
              childSpec,
              timers,
              workerId,
              1,
              config.childMemoryLimitBytes(),
              config.spareChild(),
              childPids,
              config.metrics(),
              progress);
    };
  }
}
