package dev.offload.web;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobHandle;
import dev.offload.api.JobOptions;
import dev.offload.runtime.JobArgument;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.client.OffloadClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Enqueues a job by name with arguments typed as JSON, checking them first: the name must be known,
 * its class on the dashboard's class path, and the JSON must build that class exactly (no unknown
 * and no missing properties), so that a typo is refused here rather than failing in an agent later.
 * The job then goes through {@link OffloadClient#enqueue}, as from code.
 */
final class JobLauncher {

  /**
   * A job name the dashboard knows, whether it can enqueue it, and what to enqueue it with.
   *
   * @param queue the queue the job goes to by default, {@code null} when its class is not here
   * @param arguments its arguments' names and types, empty when its class is not here or not a
   *     record
   * @param template a JSON object of its arguments with placeholder values, to fill in
   */
  record KnownJob(
      String name,
      String className,
      boolean available,
      String problem,
      String queue,
      List<JobArgument> arguments,
      String template) {}

  /** The job just enqueued. */
  record Enqueued(long id, String queue, String job) {}

  private final OffloadClient client;
  private final List<JobRegistry> registries;

  /**
   * @param registries looked up in order; the first that knows a name wins
   */
  JobLauncher(OffloadClient client, List<JobRegistry> registries) {
    this.client = client;
    this.registries = List.copyOf(registries);
  }

  List<KnownJob> known() {
    Map<String, KnownJob> known = new LinkedHashMap<>();
    for (JobRegistry registry : registries) {
      for (String name : registry.names()) {
        if (!known.containsKey(name)) {
          known.put(name, describe(registry, name));
        }
      }
    }
    List<KnownJob> sorted = new ArrayList<>(known.values());
    sorted.sort((a, b) -> a.name().compareTo(b.name()));
    return sorted;
  }

  private KnownJob describe(JobRegistry registry, String name) {
    String className = registry.className(name).orElse("");
    String problem = loadProblem(registry, name);
    if (problem != null) {
      return new KnownJob(name, className, false, problem, null, List.of(), "{}");
    }
    String template = registry.template(name);
    return new KnownJob(
        name,
        className,
        true,
        null,
        defaultQueue(registry, name, template),
        registry.arguments(name),
        template);
  }

  /**
   * The queue the job's class sends it to, read from a job built of the template; the default queue
   * when the class refuses the placeholders.
   */
  private String defaultQueue(JobRegistry registry, String name, String template) {
    try {
      JobDefinition<?> sample =
          client.jobFromJson(registry.find(name).orElseThrow(), name, template);
      return sample.defaultOptions().queue().orElse(JobOptions.DEFAULT_QUEUE);
    } catch (RuntimeException e) {
      return JobOptions.DEFAULT_QUEUE;
    }
  }

  /**
   * Checks and enqueues one job.
   *
   * @param queue the queue, or blank for the job's default
   * @param attempts the attempts, or {@code null} for the job's default
   * @throws HttpError 400 with what is wrong and how to fix it
   */
  Enqueued enqueue(String jobName, String argumentsJson, String queue, Integer attempts) {
    if (jobName == null || jobName.isBlank()) {
      throw HttpError.badRequest("choose a job to enqueue");
    }
    JobRegistry registry =
        registryOf(jobName)
            .orElseThrow(
                () ->
                    HttpError.badRequest(
                        "no job named \""
                            + jobName
                            + "\" is known to this dashboard; it knows the jobs indexed"
                            + " on its class path and those it was configured with: put the jar that declares"
                            + " the job on the dashboard's class path"));
    String problem = loadProblem(registry, jobName);
    if (problem != null) {
      throw HttpError.badRequest(problem);
    }
    Class<? extends JobDefinition<?>> type = registry.find(jobName).orElseThrow();
    JobDefinition<?> job;
    try {
      job = client.jobFromJson(type, jobName, argumentsJson);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
    JobOptions options = JobOptions.defaults();
    try {
      if (queue != null && !queue.isBlank()) {
        options = options.queue(queue.strip());
      }
      if (attempts != null) {
        options = options.attempts(attempts);
      }
      JobHandle<?> handle = client.enqueue(job, options);
      return new Enqueued(handle.id(), handle.queue(), job.jobName());
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest(e.getMessage());
    }
  }

  private Optional<JobRegistry> registryOf(String jobName) {
    return registries.stream().filter(r -> r.className(jobName).isPresent()).findFirst();
  }

  /** Why the class of {@code name} cannot be used here, or {@code null} when it can. */
  private static String loadProblem(JobRegistry registry, String name) {
    try {
      registry.find(name);
      return null;
    } catch (IllegalStateException | LinkageError e) {
      boolean missing = e instanceof LinkageError || e.getCause() instanceof ClassNotFoundException;
      if (!missing) {
        return e.getMessage();
      }
      return "job \""
          + name
          + "\" runs as "
          + registry.className(name).orElse("?")
          + ", which is not on the dashboard's class path, so the dashboard cannot check its"
          + " arguments and refuses to enqueue it; put the jar that declares it on the"
          + " dashboard's class path, or enqueue it from code";
    }
  }
}
