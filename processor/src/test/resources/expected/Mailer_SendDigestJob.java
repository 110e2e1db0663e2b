package com.acme;

import dev.offload.api.JobDefinition;
import dev.offload.api.JobInstances;
import java.util.List;
import java.util.Map;
import javax.annotation.processing.Generated;

/**
 * The job {@code mail.digest}, which runs
 * {@link Mailer#sendDigest(List, Map)} with the arguments it carries.
 *
 * @param addresses the method's {@code addresses} argument
 * @param countsByTopic the method's {@code countsByTopic} argument
 */
@Generated("dev.offload.processor.JobProcessor")
public record Mailer_SendDigestJob(List<String> addresses,
    Map<String, List<Integer>> countsByTopic) implements JobDefinition<Integer> {
  /**
   * The name agents look this job up by.
   */
  public static final String NAME = "mail.digest";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Integer run() {
    return JobInstances.of(Mailer.class, Mailer::new).sendDigest(addresses, countsByTopic);
  }
}
