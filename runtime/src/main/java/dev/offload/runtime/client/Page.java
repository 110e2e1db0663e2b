package dev.offload.runtime.client;

import java.util.List;

/**
 * One page of a longer list.
 *
 * @param items this page's entries
 * @param total how many entries the whole list holds now
 * @param nextCursor what to pass to get the next page; {@code null} when this is the last one
 * @param <T> the entries' type
 */
public record Page<T>(List<T> items, long total, String nextCursor) {

  public Page {
    items = List.copyOf(items);
  }

  /** Whether a next page may follow. */
  public boolean hasNext() {
    return nextCursor != null;
  }
}
