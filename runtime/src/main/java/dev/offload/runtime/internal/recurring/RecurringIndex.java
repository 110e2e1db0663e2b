package dev.offload.runtime.internal.recurring;

import dev.offload.api.MissedRuns;
import dev.offload.api.RecurringIndexFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * Reads the {@value RecurringIndexFile#PATH} resources: the schedules {@code @Recurring} declares.
 */
public final class RecurringIndex {

  /** One declared schedule: the job's name, cron, zone and missed-run policy. */
  public record Entry(String job, String cron, String zone, MissedRuns missed) {}

  private RecurringIndex() {}

  /** Every schedule declared on the context class loader's class path. */
  public static List<Entry> fromClassPath() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = RecurringIndex.class.getClassLoader();
    }
    List<Entry> entries = new ArrayList<>();
    try {
      Enumeration<URL> indexes = loader.getResources(RecurringIndexFile.PATH);
      while (indexes.hasMoreElements()) {
        read(indexes.nextElement(), entries);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + RecurringIndexFile.PATH, e);
    }
    return entries;
  }

  private static void read(URL index, List<Entry> entries) throws IOException {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(index.openStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t", -1);
        if (fields.length < 4) {
          throw new IllegalStateException(
              "malformed line in "
                  + index
                  + ": \""
                  + line
                  + "\"; expected four tab-separated"
                  + " fields: job name, cron, zone, missed-run policy");
        }
        entries.add(
            new Entry(fields[0], fields[1], fields[2], MissedRuns.valueOf(fields[3].strip())));
      }
    }
  }
}
