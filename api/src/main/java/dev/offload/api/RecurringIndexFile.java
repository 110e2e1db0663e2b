package dev.offload.api;

/**
 * Names the recurring index, through which agents find the schedules {@link Recurring} declares,
 * and states its format.
 *
 * <p>The processor writes it beside the {@link JobIndexFile job index}, in UTF-8 lines: a comment
 * line first, then one line per recurring job, sorted by job name: {@code <job
 * name>\t<cron>\t<zone>\t<missed-run policy>}, for example {@code report.nightly\t0 0 3 * *
 * *\tEurope/Berlin\tSKIP}. A reader skips empty lines and lines that start with {@code #}, so
 * indexes of several jars concatenated into one keep the format.
 */
public final class RecurringIndexFile {

  /** The index's path relative to a class-path root. */
  public static final String PATH = "META-INF/offload/recurring.index";

  private RecurringIndexFile() {}
}
