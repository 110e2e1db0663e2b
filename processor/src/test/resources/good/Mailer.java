package com.acme;

import dev.offload.api.Isolation;
import dev.offload.api.Job;
import java.util.List;
import java.util.Map;

public class Mailer {

  @Job(queue = "mail", attempts = 5, timeoutSeconds = 30, isolation = Isolation.PROCESS_PER_JOB)
  public static void sendWelcome(String address) {}

  @Job(name = "mail.digest", aliases = {"digest", "com.acme.Digests#send"})
  public int sendDigest(List<String> addresses, Map<String, List<Integer>> countsByTopic) {
    return addresses.size() * countsByTopic.size();
  }

  @Job
  static void tag(String... tags) {}

  @Job
  public void retry(String run, int hashCode) {}
}
