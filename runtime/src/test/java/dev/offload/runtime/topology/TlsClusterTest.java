package dev.offload.runtime.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.offload.api.JobHandle;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.jobs.Add;
import dev.offload.runtime.support.Agents;
import dev.offload.testing.RedisClusterProcess;
import dev.offload.testing.TestCertificates;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code rediss-cluster://} URL reaches a cluster that serves clients and its bus over TLS, in a
 * JVM that trusts the cluster's certificate authority through the standard trust store properties;
 * a JVM that does not is told that the handshake failed and why. Each side runs in a JVM of its
 * own, since a JVM reads its default trust store once.
 */
class TlsClusterTest {

  @Test
  void jobsRunOverTlsForAJvmThatTrustsTheAuthorityAndOthersAreToldWhyNot(@TempDir Path folder)
      throws Exception {
    assumeTrue(TestCertificates.canCreate(), "needs openssl on the PATH to make certificates");
    TestCertificates certificates = TestCertificates.createIn(folder);
    try (RedisClusterProcess cluster = RedisClusterProcess.startWithTls(3, certificates)) {
      assertTrue(cluster.url().startsWith("rediss-cluster://"), cluster.url());

      Run trusting =
          run(
              cluster.url(),
              "-Djavax.net.ssl.trustStore=" + certificates.trustStore(),
              "-Djavax.net.ssl.trustStorePassword=" + TestCertificates.TRUST_STORE_PASSWORD);
      assertEquals(0, trusting.exit(), trusting.output());
      assertTrue(trusting.output().contains("result 42"), trusting.output());

      Run untrusting = run(cluster.url());
      assertNotEquals(0, untrusting.exit(), untrusting.output());
      assertTrue(
          untrusting.output().contains("the TLS handshake with Redis at")
              && untrusting.output().contains("-Djavax.net.ssl.trustStore"),
          untrusting.output());
    }
  }

  private record Run(int exit, String output) {}

  private static Run run(String url, String... properties)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElseThrow());
    command.addAll(List.of(properties));
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName(), url));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the probe JVM ended");
    return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  /** Enqueues a job over the URL it is given and runs it with an agent of its own. */
  public static final class Probe {
    public static void main(String[] args) throws Exception {
      String url = args[0];
      try (OffloadClient client = OffloadClient.builder(url).prefix("tls:").build();
          var agent = Agents.fast(url, "tls:").workers(1, "default").build().start()) {
        JobHandle<Integer> handle = client.enqueue(new Add(20, 22));
        handle.await(Duration.ofSeconds(20));
        System.out.println("result " + handle.result().orElseThrow());
      }
    }
  }
}
