package dev.offload.processor;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a cron expression as the runtime reads it (six fields with seconds, Spring 5.3's syntax,
 * by cron-utils), and when it is wrong says which field and character are at fault.
 */
final class CronSyntax {

  private static final CronParser PARSER =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.SPRING53));

  private static final List<String> FIELDS =
      List.of("second", "minute", "hour", "day-of-month", "month", "day-of-week");

  /** Fields known to be valid together, each replaced in turn by one of the expression's. */
  private static final List<String> VALID = List.of("0", "0", "0", "*", "*", "*");

  private static final String FIELD_LIST = "second minute hour day-of-month month day-of-week";

  private CronSyntax() {}

  /** What is wrong with {@code cron}, or null if it is valid. */
  static String problem(String cron) {
    if (cron.isBlank()) {
      return "cron \"\" is empty; give six fields: " + FIELD_LIST;
    }
    String whole = reason(cron.strip());
    if (whole == null) {
      return null;
    }
    if (cron.strip().startsWith("@")) {
      return "cron \"" + cron + "\": " + whole;
    }
    List<int[]> spans = fieldSpans(cron);
    if (spans.size() != FIELDS.size()) {
      return "cron \"" + cron + "\": expected 6 fields (" + FIELD_LIST + "), found " + spans.size();
    }
    for (int i = 0; i < FIELDS.size(); i++) {
      String field = cron.substring(spans.get(i)[0], spans.get(i)[1]);
      List<String> probe = new ArrayList<>(VALID);
      probe.set(i, field);
      String fieldReason = reason(String.join(" ", probe));
      if (fieldReason != null) {
        return "cron \""
            + cron
            + "\": "
            + FIELDS.get(i)
            + " field \""
            + field
            + "\" at character "
            + (spans.get(i)[0] + 1)
            + " is invalid: "
            + fieldReason;
      }
    }
    return "cron \"" + cron + "\": " + whole;
  }

  /** The start (inclusive) and end (exclusive) of each blank-separated field. */
  private static List<int[]> fieldSpans(String cron) {
    List<int[]> spans = new ArrayList<>();
    int i = 0;
    while (i < cron.length()) {
      while (i < cron.length() && Character.isWhitespace(cron.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < cron.length() && !Character.isWhitespace(cron.charAt(i))) {
        i++;
      }
      if (i > start) {
        spans.add(new int[] {start, i});
      }
    }
    return spans;
  }

  private static String reason(String cron) {
    try {
      PARSER.parse(cron).validate();
      return null;
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      return message.replaceFirst("^Failed to parse cron expression\\. ", "");
    }
  }
}
