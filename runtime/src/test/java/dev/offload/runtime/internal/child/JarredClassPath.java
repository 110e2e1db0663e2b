package dev.offload.runtime.internal.child;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** This code's class path with every class folder packed into a jar, as AppCDS needs. */
public final class JarredClassPath {

  private JarredClassPath() {}

  /**
   * The class path of this code with each folder on it packed into a jar in {@code folder}: CDS
   * archives classes from jars only.
   */
  public static String of(Path folder) throws IOException {
    List<String> entries = new ArrayList<>();
    for (String entry : classPath().split(File.pathSeparator)) {
      Path classes = Path.of(entry);
      if (!Files.isDirectory(classes)) {
        entries.add(entry);
        continue;
      }
      Path jar = folder.resolve("classes-" + entries.size() + ".jar");
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
          Stream<Path> files = Files.walk(classes)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          out.putNextEntry(
              new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
          Files.copy(file, out);
          out.closeEntry();
        }
      }
      entries.add(jar.toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  /** The class path of this code: under exec:java, java.class.path is Maven's own. */
  private static String classPath() {
    if (JarredClassPath.class.getClassLoader() instanceof URLClassLoader loader) {
      List<String> entries = new ArrayList<>();
      for (URL url : loader.getURLs()) {
        try {
          entries.add(Path.of(url.toURI()).toString());
        } catch (URISyntaxException e) {
          throw new IllegalStateException("a class path entry that is no file: " + url, e);
        }
      }
      return String.join(File.pathSeparator, entries);
    }
    return System.getProperty("java.class.path");
  }
}
