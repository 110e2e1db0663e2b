package dev.offload.web.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed keystore for localhost and 127.0.0.1, made with the JDK's keytool, and a TLS
 * context that trusts exactly it.
 */
public final class TestTls {

  public static final String PASSWORD = "test-keystore";

  private final Path keystore;

  private TestTls(Path keystore) {
    this.keystore = keystore;
  }

  /** Makes the keystore in {@code dir}. */
  public static TestTls create(Path dir) throws IOException, InterruptedException {
    Path keystore = dir.resolve("dashboard.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "dashboard",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0 || !Files.exists(keystore)) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    return new TestTls(keystore);
  }

  public Path keystore() {
    return keystore;
  }

  /** A TLS context that trusts the keystore's certificate and nothing else. */
  public SSLContext trusting() throws IOException, GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }
}
