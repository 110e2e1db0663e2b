package dev.offload.web;

import com.sun.net.httpserver.HttpServer;
import dev.offload.runtime.JobRegistry;
import dev.offload.runtime.client.JobWatcher;
import dev.offload.runtime.client.OffloadAdmin;
import dev.offload.runtime.client.OffloadClient;
import dev.offload.runtime.client.WatchTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Offload dashboard: a small HTTP server with the JSON API, the live event stream and the UI
 * over one {@link OffloadClient}. Embed it in an agent or an application:
 *
 * <pre>{@code
 * try (Dashboard dashboard = Dashboard.builder(client).port(8080).start()) {
 *   System.out.println("dashboard at " + dashboard.uri());
 *   ...
 * }
 * }</pre>
 *
 * <p>It binds to 127.0.0.1 unless told otherwise, and refuses to bind to any other address without
 * a {@linkplain Builder#password password}. It uses the JDK's own HTTP server, one thread per
 * request or open event stream, and the client's one subscription to job events. Closing it leaves
 * the client open. The same subscription feeds the job-observer widget's event streams (see {@link
 * Builder#watchSecret}), which hold no thread each.
 */
public final class Dashboard implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);

  private final HttpServer server;
  private final ExecutorService threads;
  private final JobWatcher watcher;
  private final LiveFeed feed;
  private final WidgetStreams widgetStreams;
  private final URI uri;

  private Dashboard(Builder builder, InetAddress address) {
    OffloadClient client = builder.client;
    OffloadAdmin admin = client.admin();
    Overview overview = new Overview(admin);
    List<JobRegistry> registries = new ArrayList<>(builder.registries);
    registries.add(JobRegistry.fromClassPath());
    try {
      // room for a burst of connections, such as every widget reconnecting after a restart
      server = HttpServer.create(new InetSocketAddress(address, builder.port), 1024);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "the dashboard could not listen on "
              + address.getHostAddress()
              + ":"
              + builder.port
              + " ("
              + e.getMessage()
              + "); is another program using that port? choose another port",
          e);
    }
    int port = server.getAddress().getPort();
    Access access = new Access(builder.password, builder.readOnly, port);
    feed = new LiveFeed(overview);
    Router router = new Router();
    new Api(admin, overview, feed, new JobLauncher(client, registries), access).register(router);
    AtomicInteger count = new AtomicInteger();
    threads =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "offload-web-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(threads);
    widgetStreams = new WidgetStreams(admin);
    WidgetHandler widget =
        new WidgetHandler(
            builder.watchSecret == null ? null : WatchTokens.withSecret(builder.watchSecret),
            builder.widgetOrigins,
            widgetStreams);
    server.createContext("/", new DashboardHandler(access, router, widget));
    watcher = client.watcher();
    watcher.addListener(feed);
    watcher.addListener(widgetStreams);
    uri = uri(address, port);
  }

  /** Starts configuring a dashboard over {@code client}. */
  public static Builder builder(OffloadClient client) {
    return new Builder(client);
  }

  private Dashboard start() {
    server.start();
    log.info("Offload dashboard listening on {}", uri);
    return this;
  }

  /** The port it listens on; the one chosen by the system when configured with port 0. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Where to open it, such as {@code http://127.0.0.1:8080/}. */
  public URI uri() {
    return uri;
  }

  private static URI uri(InetAddress address, int port) {
    String host = address.isAnyLocalAddress() ? "localhost" : address.getHostAddress();
    try {
      return new URI("http", null, host, port, "/", null, null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("an address always makes a URI", e);
    }
  }

  /** Closes the event streams, stops the server and the event subscription. */
  @Override
  public void close() {
    feed.close();
    widgetStreams.close();
    server.stop(0);
    threads.shutdownNow();
    watcher.removeListener(feed);
    watcher.removeListener(widgetStreams);
  }

  /** Configures a dashboard. */
  public static final class Builder {
    private final OffloadClient client;
    private final List<JobRegistry> registries = new ArrayList<>();
    private int port = 8080;
    private String bind = "127.0.0.1";
    private String password;
    private boolean readOnly;
    private String watchSecret;
    private final Set<String> widgetOrigins = new LinkedHashSet<>();

    private Builder(OffloadClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** The port to listen on; default 8080; 0 for any free port. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be from 0 to 65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The address to listen on; default 127.0.0.1. Any address that is not a loopback one needs a
     * {@link #password}.
     */
    public Builder bind(String address) {
      this.bind = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * Requires this password: browsers log in with a form, scripts send it with HTTP basic
     * authentication (any user name).
     */
    public Builder password(String password) {
      if (password == null || password.isBlank()) {
        throw new IllegalArgumentException("the dashboard's password must not be blank");
      }
      this.password = password;
      return this;
    }

    /** Shows everything and changes nothing: no controls, and every change is refused. */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /**
     * Turns on the job-observer widget's event streams: {@code secret} is the one the application
     * signs watch tokens with ({@link WatchTokens#withSecret}). Without it the widget's streams
     * answer 404.
     *
     * @throws IllegalArgumentException if the secret is shorter than {@value
     *     WatchTokens#MIN_SECRET_BYTES} bytes
     */
    public Builder watchSecret(String secret) {
      WatchTokens.withSecret(secret);
      this.watchSecret = secret;
      return this;
    }

    /**
     * The origins whose pages may embed the widget, such as {@code https://shop.example.com};
     * besides them only the dashboard's own. Replaces any set before.
     *
     * @throws IllegalArgumentException if one is not a scheme, a host and an optional port
     */
    public Builder widgetOrigins(List<String> origins) {
      List<String> normalized = origins.stream().map(WidgetHandler::origin).toList();
      widgetOrigins.clear();
      widgetOrigins.addAll(normalized);
      return this;
    }

    /**
     * Jobs the dashboard may enqueue by name, besides those indexed on its class path. It checks
     * the arguments against each job's class, so the classes must be loadable here.
     */
    public Builder jobs(JobRegistry registry) {
      registries.add(Objects.requireNonNull(registry, "registry"));
      return this;
    }

    /**
     * Starts listening.
     *
     * @throws IllegalStateException if the address is not a loopback one and no password is set
     * @throws UncheckedIOException if the port cannot be had
     */
    public Dashboard start() {
      InetAddress address;
      try {
        address = InetAddress.getByName(bind);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(
            "cannot bind the dashboard to \"" + bind + "\": no such address or host name", e);
      }
      if (!address.isLoopbackAddress() && password == null) {
        throw new IllegalStateException(
            "refusing to start the dashboard on "
                + bind
                + " without a password: anyone who can reach that address could read every job's"
                + " arguments and delete or retry jobs. Set a password (--password, or the"
                + " OFFLOAD_DASHBOARD_PASSWORD environment variable), or bind to 127.0.0.1");
      }
      return new Dashboard(this, address).start();
    }
  }
}
