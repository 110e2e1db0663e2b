package dev.offload.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority and a server certificate it signed for 127.0.0.1 and localhost,
 * made with {@code openssl}, plus a PKCS12 trust store holding the authority, for tests of TLS
 * between the runtime and Redis.
 *
 * <pre>{@code
 * TestCertificates certificates = TestCertificates.createIn(folder);
 * // redis-server --tls-cert-file certificates.serverCertificate() ...
 * // java -Djavax.net.ssl.trustStore=certificates.trustStore()
 * //      -Djavax.net.ssl.trustStorePassword=TestCertificates.TRUST_STORE_PASSWORD ...
 * }</pre>
 */
public final class TestCertificates {

  /** The password of {@link #trustStore()}. */
  public static final String TRUST_STORE_PASSWORD = "offload-test";

  private final Path folder;

  private TestCertificates(Path folder) {
    this.folder = folder;
  }

  /** Whether {@code openssl} is on the {@code PATH}, which {@link #createIn} needs. */
  public static boolean canCreate() {
    try {
      return run(Path.of(System.getProperty("java.io.tmpdir")), List.of("openssl", "version"));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Creates the authority, the server's key and certificate and the trust store in {@code folder}.
   *
   * @throws IllegalStateException if {@code openssl} or {@code keytool} is missing or fails
   */
  public static TestCertificates createIn(Path folder) {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    try {
      Files.writeString(
          folder.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
      List<List<String>> steps =
          List.of(
              List.of(
                  "openssl",
                  "req",
                  "-x509",
                  "-newkey",
                  "rsa:2048",
                  "-nodes",
                  "-days",
                  "2",
                  "-subj",
                  "/CN=Offload test authority",
                  "-keyout",
                  "ca.key",
                  "-out",
                  "ca.crt"),
              List.of(
                  "openssl",
                  "req",
                  "-newkey",
                  "rsa:2048",
                  "-nodes",
                  "-subj",
                  "/CN=localhost",
                  "-keyout",
                  "server.key",
                  "-out",
                  "server.csr"),
              List.of(
                  "openssl",
                  "x509",
                  "-req",
                  "-in",
                  "server.csr",
                  "-CA",
                  "ca.crt",
                  "-CAkey",
                  "ca.key",
                  "-CAcreateserial",
                  "-days",
                  "2",
                  "-extfile",
                  "server.ext",
                  "-out",
                  "server.crt"),
              List.of(
                  keytool,
                  "-importcert",
                  "-noprompt",
                  "-alias",
                  "offload-test-ca",
                  "-file",
                  "ca.crt",
                  "-keystore",
                  "trust.p12",
                  "-storetype",
                  "PKCS12",
                  "-storepass",
                  TRUST_STORE_PASSWORD));
      for (List<String> step : steps) {
        if (!run(folder, step)) {
          throw new IllegalStateException(
              "could not make test certificates: `" + String.join(" ", step) + "` failed");
        }
      }
      return new TestCertificates(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("could not make test certificates in " + folder, e);
    }
  }

  /** The authority's certificate, PEM. */
  public Path authorityCertificate() {
    return folder.resolve("ca.crt");
  }

  /** The server's certificate for 127.0.0.1 and localhost, PEM. */
  public Path serverCertificate() {
    return folder.resolve("server.crt");
  }

  /** The server's private key, PEM. */
  public Path serverKey() {
    return folder.resolve("server.key");
  }

  /** A PKCS12 store that trusts the authority, locked with {@link #TRUST_STORE_PASSWORD}. */
  public Path trustStore() {
    return folder.resolve("trust.p12");
  }

  private static boolean run(Path folder, List<String> command) throws IOException {
    Process process =
        new ProcessBuilder(command)
            .directory(folder.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while running " + command.get(0), e);
    }
  }
}
