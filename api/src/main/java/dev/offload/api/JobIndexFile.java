package dev.offload.api;

/**
 * Names the job index, the resource through which agents find the job classes the annotation
 * processor generated, and states its format.
 *
 * <p>The processor writes one index per compilation that declares jobs, at {@value #PATH} in the
 * class output, so that it ends up in the jar beside the job classes; an agent reads every resource
 * of that name on its class path.
 *
 * <p>The file is UTF-8 text of {@code \n}-terminated lines. A comment line comes first, then one
 * line per job name and per alias, sorted by name: {@code <job name>\t<binary name of the job
 * class>}, for example {@code digest.weekly\tcom.acme.Mailer_SendDigestJob}. A reader skips empty
 * lines and lines that start with {@code #}. The processor refuses job names that are blank, start
 * with {@code #} or hold a tab or line break, so every name fits on one line and none reads as a
 * comment; indexes of several jars concatenated into one, as a shaded jar's is, keep the format.
 */
public final class JobIndexFile {

  /** The index's path relative to a class-path root. */
  public static final String PATH = "META-INF/offload/jobs.index";

  private JobIndexFile() {}
}
