package dev.offload.runtime.internal.child;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an AppCDS archive of the classes child JVMs load in a cache folder, one per child JVM and
 * class path, and gives each child the options that make and use it.
 *
 * <p>The archive's file name is a hash of the child's {@code java} (its real path and version), its
 * class path (each entry's path, size and modification time) and its JVM options, so that a change
 * to any of them makes a new archive rather than a mismatched one. From JDK 19 on the JVM makes,
 * checks and remakes the archive itself ({@code -XX:+AutoCreateSharedArchive}). On JDK 17 and 18,
 * while the archive is missing, one child at a time in this JVM writes it as it exits ({@code
 * -XX:ArchiveClassesAtExit}) to a name of its own, which is then renamed into place, so that agents
 * racing on one host never see half an archive; later children map it ({@code
 * -XX:SharedArchiveFile}). An archive that cannot be used costs only speed: the JVM then loads
 * classes as it would without one.
 *
 * <p>Nothing is added when the child's options already choose an archive or turn sharing off, when
 * the class path holds a folder (CDS archives classes from jars only), or when the child's {@code
 * java} version cannot be read from its {@code release} file.
 */
public final class ClassDataArchive {

  private static final Logger log = LoggerFactory.getLogger(ClassDataArchive.class);

  /**
   * The word that turns archives off where a folder is expected, e.g. on the agent's command line.
   */
  public static final String OFF = "off";

  /** Options with which the user chose an archive, or none, for the child. */
  private static final List<String> USER_ARCHIVE_OPTIONS =
      List.of(
          "-Xshare:off",
          "-Xshare:dump",
          "-XX:SharedArchiveFile",
          "-XX:ArchiveClassesAtExit",
          "-XX:+AutoCreateSharedArchive",
          "-XX:AOTCache",
          "-XX:AOTCacheOutput",
          "-XX:AOTConfiguration",
          "-XX:AOTMode");

  /**
   * Keeps the JVM's remarks on archives (classes it cannot archive, an archive it cannot map) out
   * of the log and of the first job's output: an archive only ever costs or saves speed. The user's
   * options come after it, so {@code -Xlog:cds} there still shows them.
   */
  private static final String QUIET = "-Xlog:cds*=off";

  /** The first four bytes of a dynamic CDS archive: 0xf00baba8, little-endian on x86 and ARM. */
  private static final byte[] DYNAMIC_ARCHIVE_MAGIC = {(byte) 0xa8, (byte) 0xab, 0x0b, (byte) 0xf0};

  private static final Pattern RELEASE_VERSION =
      Pattern.compile("^JAVA_VERSION=\"([^\"]+)\"", Pattern.MULTILINE);

  /** Archives a child of this JVM is writing, so that only one child writes each. */
  private static final Set<Path> WRITING = ConcurrentHashMap.newKeySet();

  /** Folders already reported as unusable, so that each child start does not say it again. */
  private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();

  /** The version of each {@code java}, read once; empty when it could not be read. */
  private static final Map<Path, Optional<String>> VERSIONS = new ConcurrentHashMap<>();

  private final Path folder;

  /**
   * @param folder where the archives are kept; made when first needed
   */
  public ClassDataArchive(Path folder) {
    this.folder = folder.toAbsolutePath();
  }

  /**
   * The default cache folder: {@code offload-cds-<user>} in the temporary folder, which only that
   * user may write to.
   */
  public static Path defaultFolder() {
    return Path.of(
        System.getProperty("java.io.tmpdir"), "offload-cds-" + System.getProperty("user.name"));
  }

  /**
   * The options one child launch gets, and what to do once that child has ended, given its exit
   * code.
   */
  record Use(List<String> options, IntConsumer afterExit) {
    static final Use NONE = new Use(List.of(), code -> {});
  }

  /** What the next child of {@code spec} is to do about its archive. */
  Use nextChild(ChildSpec spec) {
    if (choosesOwnArchive(spec.jvmOptions()) || holdsFolder(spec.classPath())) {
      return Use.NONE;
    }
    Optional<Path> java = realPath(spec.java());
    Optional<String> version = java.flatMap(ClassDataArchive::version);
    // dynamic archives came with JDK 13; "1.8.0_292" reads as 1
    int feature = version.map(ClassDataArchive::feature).orElse(0);
    if (feature < 13) {
      return Use.NONE;
    }
    Path archive;
    try {
      makePrivateFolder();
      archive = folder.resolve("child-" + key(java.get(), version.get(), spec) + ".jsa");
    } catch (IOException e) {
      if (WARNED.add(folder)) {
        log.warn(
            "child JVMs start without an AppCDS archive: the folder {} cannot be used ({}); give"
                + " the agent a folder of its user's own, or turn archives off",
            folder,
            e.getMessage());
      }
      return Use.NONE;
    }
    if (feature >= 19) {
      List<String> options =
          List.of(QUIET, "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + archive);
      if (Files.exists(archive)) {
        return new Use(options, code -> {});
      }
      // children that all exit at once would all write the missing archive to the same file
      return WRITING.add(archive) ? new Use(options, code -> WRITING.remove(archive)) : Use.NONE;
    }
    if (isDynamicArchive(archive)) {
      return new Use(List.of(QUIET, "-XX:SharedArchiveFile=" + archive), code -> {});
    }
    if (!WRITING.add(archive)) {
      return Use.NONE;
    }
    Path written = folder.resolve(archive.getFileName() + "." + UUID.randomUUID() + ".tmp");
    return new Use(
        List.of(QUIET, "-XX:ArchiveClassesAtExit=" + written),
        code -> moveIntoPlace(written, archive, code));
  }

  /**
   * Makes the folder readable and writable by this user only, and refuses one that another user
   * owns or can write to: a JVM trusts the archives it maps.
   */
  private void makePrivateFolder() throws IOException {
    if (!Files.isDirectory(folder)) {
      try {
        Files.createDirectories(
            folder,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (UnsupportedOperationException e) {
        Files.createDirectories(folder);
      }
    }
    String owner = Files.getOwner(folder).getName();
    if (!owner.equals(System.getProperty("user.name"))) {
      throw new IOException("it belongs to " + owner + ", not to this user");
    }
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(folder);
      if (permissions.contains(PosixFilePermission.GROUP_WRITE)
          || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new IOException("other users can write to it");
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its owner is all that can be checked
    }
  }

  private static boolean choosesOwnArchive(List<String> options) {
    return options.stream()
        .anyMatch(option -> USER_ARCHIVE_OPTIONS.stream().anyMatch(option::startsWith));
  }

  private static boolean holdsFolder(String classPath) {
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.isEmpty() && Files.isDirectory(Path.of(entry))) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Path> realPath(Path java) {
    try {
      return Optional.of(java.toRealPath());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The version of the JDK {@code java} belongs to, from its {@code release} file. */
  private static Optional<String> version(Path java) {
    return VERSIONS.computeIfAbsent(
        java,
        real -> {
          Path home = real.getParent() == null ? null : real.getParent().getParent();
          if (home == null) {
            return Optional.empty();
          }
          try {
            Matcher matcher = RELEASE_VERSION.matcher(Files.readString(home.resolve("release")));
            return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
          } catch (IOException | RuntimeException e) {
            return Optional.empty();
          }
        });
  }

  /** The feature release of a version such as {@code 17.0.15} or {@code 25+36}; 0 if unclear. */
  private static int feature(String version) {
    Matcher digits = Pattern.compile("^\\d+").matcher(version);
    return digits.find() ? Integer.parseInt(digits.group()) : 0;
  }

  private static String key(Path java, String version, ChildSpec spec) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    StringBuilder text = new StringBuilder(java + "\0" + version + "\0");
    for (String entry : spec.classPath().split(File.pathSeparator)) {
      text.append(entry);
      Path path = Path.of(entry);
      if (Files.exists(path)) {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        text.append(':')
            .append(attributes.size())
            .append(':')
            .append(attributes.lastModifiedTime());
      }
      text.append('\0');
    }
    spec.jvmOptions().forEach(option -> text.append(option).append('\0'));
    byte[] hash = digest.digest(text.toString().getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(hash, 0, 12);
  }

  private static boolean isDynamicArchive(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] start = in.readNBytes(DYNAMIC_ARCHIVE_MAGIC.length);
      return Arrays.equals(start, DYNAMIC_ARCHIVE_MAGIC);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Renames the archive a child wrote as it exited to the name later children use; a child that did
   * not end normally (exit code 0) may have been killed halfway through writing it.
   */
  private static void moveIntoPlace(Path written, Path archive, int exitCode) {
    try {
      if (exitCode == 0 && isDynamicArchive(written)) {
        Files.move(
            written, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        log.info("child JVMs now start with the AppCDS archive {}", archive);
      } else {
        Files.deleteIfExists(written);
      }
    } catch (IOException e) {
      log.warn("could not move the AppCDS archive {} to {}: {}", written, archive, e.toString());
    } finally {
      WRITING.remove(archive);
    }
  }
}
