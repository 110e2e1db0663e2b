package dev.offload.runtime.client;

import java.util.List;

/**
 * What a bulk retry or delete did to the jobs it was given.
 *
 * @param done the ids it retried or deleted
 * @param missing the ids that were not in the state named (moved on meanwhile, or never there), or
 *     whose failure record holds no usable job to retry
 */
public record BulkOutcome(List<Long> done, List<Long> missing) {

  public BulkOutcome {
    done = List.copyOf(done);
    missing = List.copyOf(missing);
  }
}
