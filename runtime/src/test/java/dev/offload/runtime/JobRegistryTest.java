package dev.offload.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.api.JobIndexFile;
import dev.offload.runtime.jobs.Add;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent finds jobs through the indexes on its class path, and refuses ambiguous names. */
class JobRegistryTest {

  @TempDir Path temp;

  private Path jarWithIndex(String name, String index) throws IOException {
    Path root = temp.resolve(name);
    Path file = root.resolve(JobIndexFile.PATH);
    Files.createDirectories(file.getParent());
    Files.writeString(file, index);
    return root;
  }

  private static URLClassLoader loaderOf(Path... roots) throws IOException {
    URL[] urls = new URL[roots.length];
    for (int i = 0; i < roots.length; i++) {
      urls[i] = roots[i].toUri().toURL();
    }
    return new URLClassLoader(urls, JobRegistryTest.class.getClassLoader());
  }

  @Test
  void jobsAndAliasesFromTheIndexResolveToTheirClasses() throws Exception {
    Path jar =
        jarWithIndex(
            "a",
            "# comment\ntest.add\t"
                + Add.class.getName()
                + "\ntest.add-old-name\t"
                + Add.class.getName()
                + "\n");
    try (URLClassLoader loader = loaderOf(jar)) {
      JobRegistry registry = JobRegistry.builder().addClassPath(loader).build();
      assertEquals(Add.class, registry.find("test.add").orElseThrow());
      assertEquals(Add.class, registry.find("test.add-old-name").orElseThrow());
      assertTrue(registry.find("test.unknown").isEmpty());
    }
  }

  @Test
  void twoJarsClaimingOneNameAreRefusedNamingBoth() throws Exception {
    Path first = jarWithIndex("first", "billing.charge\tcom.acme.Billing_ChargeJob\n");
    Path second = jarWithIndex("second", "billing.charge\tcom.other.Charge_Job\n");
    try (URLClassLoader loader = loaderOf(first, second)) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> JobRegistry.builder().addClassPath(loader));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "job name \"billing.charge\" is claimed twice: by"
                      + " com.acme.Billing_ChargeJob ("),
          e.getMessage());
      assertTrue(e.getMessage().contains(first + "/META-INF"), e.getMessage());
      assertTrue(
          e.getMessage().contains("and by com.other.Charge_Job (file:" + second + "/META-INF"),
          e.getMessage());
    }
  }

  @Test
  void malformedIndexLineIsRefusedWithTheExpectedForm() throws Exception {
    Path jar = jarWithIndex("bad", "no tab here\n");
    try (URLClassLoader loader = loaderOf(jar)) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class, () -> JobRegistry.builder().addClassPath(loader));
      assertTrue(
          e.getMessage().endsWith(": \"no tab here\"; expected <job name><TAB><class name>"),
          e.getMessage());
    }
  }

  @Test
  void indexedClassMissingFromTheClassPathSaysToRebuild() throws Exception {
    Path jar = jarWithIndex("stale", "gone\tcom.acme.Gone_Job\n");
    try (URLClassLoader loader = loaderOf(jar)) {
      JobRegistry registry = JobRegistry.builder().addClassPath(loader).build();
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> registry.find("gone"));
      assertEquals(
          "com.acme.Gone_Job is listed in META-INF/offload/jobs.index but is not on the"
              + " class path; rebuild the jar that lists it",
          e.getMessage());
    }
  }
}
