package dev.offload.runtime.hosts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts made of Linux network namespaces, each joined to this machine by a veth pair on a private
 * /30 ({@code 10.231.R.4i+1} on this side, {@code .4i+2} inside), so that processes started in a
 * host reach a server bound to its address on this side, and the host's link can be cut and
 * restored while they run. Needs root and {@code ip} (iproute2); names carry a random suffix so
 * that runs side by side do not meet, and {@link #close()} removes everything, also after a failure
 * half way through {@link #create}.
 */
final class NetworkHosts implements AutoCloseable {

  /** One host: its namespace, the veth end on this side and the address it reaches us on. */
  record Host(String name, String namespace, String link, String serverAddress) {}

  private final List<Host> hosts = new ArrayList<>();

  private NetworkHosts() {}

  /**
   * Why namespaces cannot be made here, or {@code null} when they can: tried for real, with a
   * namespace made and removed at once, since being root inside a container is not enough.
   */
  static String whyUnavailable() {
    if (!onPath("ip")) {
      return "no `ip` command (iproute2) on the PATH";
    }
    String probe = "offload-probe-" + suffix();
    try {
      Result made = run(List.of("ip", "netns", "add", probe));
      if (made.code() != 0) {
        return "`ip netns add` failed ("
            + made.output().strip()
            + "); run the test as root with CAP_SYS_ADMIN and CAP_NET_ADMIN";
      }
      run(List.of("ip", "netns", "del", probe));
      return null;
    } catch (IOException e) {
      return "cannot run `ip`: " + e.getMessage();
    }
  }

  /** Makes {@code names.size()} hosts, named for the dashboard by {@code names}. */
  static NetworkHosts create(List<String> names) throws IOException {
    NetworkHosts made = new NetworkHosts();
    try {
      String subnet = freeSubnet();
      String suffix = suffix();
      for (int i = 0; i < names.size(); i++) {
        String namespace = "offload-" + suffix + "-h" + i;
        String link = "oh" + suffix + "h" + i;
        String inner = "oi" + suffix + "h" + i;
        String outside = subnet + (4 * i + 1);
        String inside = subnet + (4 * i + 2);
        made.hosts.add(new Host(names.get(i), namespace, link, outside));
        must("ip", "netns", "add", namespace);
        must("ip", "link", "add", link, "type", "veth", "peer", "name", inner, "netns", namespace);
        must("ip", "addr", "add", outside + "/30", "dev", link);
        must("ip", "link", "set", link, "up");
        must("ip", "-n", namespace, "addr", "add", inside + "/30", "dev", inner);
        must("ip", "-n", namespace, "link", "set", inner, "up");
        must("ip", "-n", namespace, "link", "set", "lo", "up");
      }
      return made;
    } catch (IOException | RuntimeException e) {
      made.close();
      throw e;
    }
  }

  List<Host> hosts() {
    return List.copyOf(hosts);
  }

  /** {@code command} as it runs inside {@code host}'s namespace; {@code ip netns exec} execs it. */
  static List<String> inside(Host host, List<String> command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", host.namespace()));
    full.addAll(command);
    return full;
  }

  /**
   * Cuts the host's only link: nothing goes in or out, no reset is sent, and connections stay open
   * on both sides, as when a switch port or a cable fails.
   */
  void cut(Host host) throws IOException {
    must("ip", "link", "set", host.link(), "down");
  }

  /** Brings the host's link back; connections that outlived the cut carry on. */
  void restore(Host host) throws IOException {
    must("ip", "link", "set", host.link(), "up");
  }

  /** Kills whatever still runs in the namespaces, then removes them and their links. */
  @Override
  public void close() {
    for (Host host : hosts) {
      try {
        for (String pid :
            run(List.of("ip", "netns", "pids", host.namespace())).output().split("\\s+")) {
          if (!pid.isBlank()) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
        // removing the namespace removes the veth end inside it, and with it the pair
        run(List.of("ip", "netns", "del", host.namespace()));
        run(List.of("ip", "link", "del", host.link()));
      } catch (IOException | RuntimeException e) {
        System.err.println("could not remove host " + host + ": " + e);
      }
    }
  }

  /** {@code 10.231.R.} for a third octet no address of this machine uses yet. */
  private static String freeSubnet() throws IOException {
    String addresses = run(List.of("ip", "-o", "-4", "addr", "show")).output();
    for (int tries = 0; tries < 50; tries++) {
      String subnet = "10.231." + ThreadLocalRandom.current().nextInt(256) + ".";
      if (!addresses.contains(" " + subnet)) {
        return subnet;
      }
    }
    throw new IllegalStateException("no free 10.231.x.0/24 subnet for the test hosts");
  }

  private static String suffix() {
    byte[] bytes = new byte[3];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static boolean onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  private static void must(String... command) throws IOException {
    Result result = run(List.of(command));
    if (result.code() != 0) {
      throw new IOException(
          String.join(" ", command) + " failed with " + result.code() + ": " + result.output());
    }
  }

  private record Result(int code, String output) {}

  private static Result run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not end within 20 s");
      }
      return new Result(process.exitValue(), output);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", command), e);
    }
  }
}
