package dev.offload.web;

import dev.offload.runtime.RedisUnavailableException;
import dev.offload.runtime.client.OffloadClient;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the dashboard on its own: {@code java -jar offload-web-<version>-standalone.jar --redis
 * redis://localhost:6379 --port 8080}. To enqueue your jobs by name from it, put their jar on the
 * class path too: {@code java -cp offload-web-...-standalone.jar:my-jobs.jar
 * dev.offload.web.DashboardMain ...}.
 */
public final class DashboardMain {

  static final String USAGE =
      """
      usage: java -jar offload-web-standalone.jar [options]
        --redis URL        the Redis to watch
                           (default: $OFFLOAD_REDIS_URL, else redis://localhost:6379); a
                           cluster as redis-cluster://host1:port1,host2:port2, a Sentinel
                           primary as redis-sentinel://s1:26379,s2:26379/master;
                           rediss, rediss-cluster, rediss-sentinel for TLS
        --prefix P         the key prefix the agents use (default: offload:)
        --port N           the port to listen on (default: 8080)
        --bind ADDR        the address to listen on (default: 127.0.0.1); any other needs a password
        --password P       require this password (default: $OFFLOAD_DASHBOARD_PASSWORD); the
                           environment variable keeps it out of the process list
        --read-only        show everything, change nothing
        --watch-secret S   the secret the application signs widget watch tokens with, at least
                           32 bytes (default: $OFFLOAD_WATCH_SECRET); turns the widget's streams on
        --widget-origin O  an origin whose pages may embed the widget, such as
                           https://shop.example.com; repeat for more (default: none)
        --public-url URL   where browsers reach it through a reverse proxy, such as
                           https://jobs.example.com (default: $OFFLOAD_PUBLIC_URL; none)
        --keystore FILE    serve HTTPS (HTTP/2 and HTTP/1.1) with the key and certificate in this
                           PKCS12 or JKS file (default: $OFFLOAD_KEYSTORE; none: plain HTTP)
        --keystore-password P
                           the keystore's password (default: $OFFLOAD_KEYSTORE_PASSWORD)
        --metrics-token T  a bearer token that opens /metrics alone to scrapers, at least 16
                           characters (default: $OFFLOAD_METRICS_TOKEN)
        --help             print this and exit""";

  private DashboardMain() {}

  /** The command line, read. */
  record Options(
      String redis,
      String prefix,
      int port,
      String bind,
      String password,
      boolean readOnly,
      String watchSecret,
      List<String> widgetOrigins,
      URI publicUrl,
      Path keystore,
      String keystorePassword,
      boolean help,
      String metricsToken) {

    /**
     * Reads the arguments, with the environment for the defaults.
     *
     * @throws IllegalArgumentException naming the argument that is wrong
     */
    static Options parse(String[] args, Map<String, String> env) {
      String redis = env.getOrDefault("OFFLOAD_REDIS_URL", "redis://localhost:6379");
      String prefix = OffloadClient.DEFAULT_PREFIX;
      int port = 8080;
      String bind = "127.0.0.1";
      String password = env.get("OFFLOAD_DASHBOARD_PASSWORD");
      boolean readOnly = false;
      String watchSecret = env.get("OFFLOAD_WATCH_SECRET");
      List<String> widgetOrigins = new ArrayList<>();
      String publicUrl = env.get("OFFLOAD_PUBLIC_URL");
      String keystore = env.get("OFFLOAD_KEYSTORE");
      String keystorePassword = env.get("OFFLOAD_KEYSTORE_PASSWORD");
      boolean help = false;
      String metricsToken = env.get("OFFLOAD_METRICS_TOKEN");
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--redis" -> redis = value(args, ++i, arg);
          case "--prefix" -> prefix = value(args, ++i, arg);
          case "--port" -> port = port(value(args, ++i, arg));
          case "--bind" -> bind = value(args, ++i, arg);
          case "--password" -> password = value(args, ++i, arg);
          case "--read-only" -> readOnly = true;
          case "--watch-secret" -> watchSecret = value(args, ++i, arg);
          case "--widget-origin" -> widgetOrigins.add(value(args, ++i, arg));
          case "--public-url" -> publicUrl = value(args, ++i, arg);
          case "--keystore" -> keystore = value(args, ++i, arg);
          case "--keystore-password" -> keystorePassword = value(args, ++i, arg);
          case "--metrics-token" -> metricsToken = value(args, ++i, arg);
          case "--help", "-h" -> help = true;
          default -> throw new IllegalArgumentException("unknown argument \"" + arg + "\"");
        }
      }
      return new Options(
          redis,
          prefix,
          port,
          bind,
          password == null || password.isEmpty() ? null : password,
          readOnly,
          watchSecret == null || watchSecret.isEmpty() ? null : watchSecret,
          List.copyOf(widgetOrigins),
          publicUrl == null || publicUrl.isEmpty() ? null : url(publicUrl),
          keystore == null || keystore.isEmpty() ? null : Path.of(keystore),
          keystore == null || keystore.isEmpty() ? null : keystorePassword(keystorePassword),
          help,
          metricsToken == null || metricsToken.isEmpty() ? null : metricsToken);
    }

    private static URI url(String value) {
      try {
        return new URI(value);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "--public-url must be a URL such as https://jobs.example.com, was \"" + value + "\"");
      }
    }

    private static String keystorePassword(String password) {
      if (password == null) {
        throw new IllegalArgumentException(
            "--keystore needs --keystore-password (or $OFFLOAD_KEYSTORE_PASSWORD)");
      }
      return password;
    }

    private static String value(String[] args, int index, String name) {
      if (index >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      return args[index];
    }

    private static int port(String value) {
      try {
        return Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--port must be a number, was \"" + value + "\"");
      }
    }
  }

  public static void main(String[] args) throws InterruptedException {
    Options options;
    try {
      options = Options.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("offload-web: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (options.help()) {
      System.out.println(USAGE);
      return;
    }
    OffloadClient client;
    Dashboard dashboard;
    try {
      client = OffloadClient.builder(options.redis()).prefix(options.prefix()).build();
    } catch (IllegalArgumentException e) {
      System.err.println("offload-web: " + e.getMessage());
      System.exit(2);
      return;
    } catch (RedisUnavailableException e) {
      // a cluster or a Sentinel setup that no node of the URL answers for
      System.err.println("offload-web: " + e.getMessage());
      System.exit(1);
      return;
    }
    try {
      Dashboard.Builder builder =
          Dashboard.builder(client)
              .port(options.port())
              .bind(options.bind())
              .readOnly(options.readOnly())
              .widgetOrigins(options.widgetOrigins());
      if (options.password() != null) {
        builder.password(options.password());
      }
      if (options.watchSecret() != null) {
        builder.watchSecret(options.watchSecret());
      }
      if (options.publicUrl() != null) {
        builder.publicUrl(options.publicUrl());
      }
      if (options.keystore() != null) {
        builder.tls(options.keystore(), options.keystorePassword());
      }
      if (options.metricsToken() != null) {
        builder.metricsToken(options.metricsToken());
      }
      dashboard = builder.start();
    } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
      System.err.println("offload-web: " + e.getMessage());
      client.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  dashboard.close();
                  client.close();
                },
                "offload-web-shutdown"));
    String redis = client.server();
    System.out.println(
        "Offload dashboard at "
            + dashboard.uri()
            + " watching "
            + redis
            + (options.readOnly() ? " (read-only)" : ""));
    try {
      client.admin().queueNames();
    } catch (RedisUnavailableException e) {
      System.err.println(
          "offload-web: warning: "
              + e.getMessage()
              + "; the dashboard shows the problem until Redis answers");
    }
    new CountDownLatch(1).await();
  }
}
