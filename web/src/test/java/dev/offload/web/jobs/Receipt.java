package dev.offload.web.jobs;

import dev.offload.api.JobDefinition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Returns an object the widget may show: flat (names and values) or nested (lines of items). */
public record Receipt(String note, boolean nested) implements JobDefinition<Map<String, Object>> {
  public static final String NAME = "test.receipt";

  @Override
  public String jobName() {
    return NAME;
  }

  @Override
  public Map<String, Object> run() {
    Map<String, Object> receipt = new LinkedHashMap<>();
    receipt.put("order", "A-17");
    receipt.put("total", 42.5);
    receipt.put("note", note);
    if (nested) {
      receipt.put("lines", List.of(Map.of("sku", "tea")));
    }
    return receipt;
  }

  @Override
  public boolean showsResult() {
    return true;
  }
}
