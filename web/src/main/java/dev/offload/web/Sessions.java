package dev.offload.web;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The logged-in sessions, by cookie value: at most a fixed number, the least recently used one
 * evicted to make room, so a new login always succeeds; one idle for too long is forgotten.
 */
final class Sessions {

  /** One logged-in browser, bound to the host and origin it logged in at. */
  static final class Session {
    final String key;
    final String host;
    final String origin;
    long lastSeenMillis;

    Session(String key, String host, String origin, long now) {
      this.key = key;
      this.host = host;
      this.origin = origin;
      this.lastSeenMillis = now;
    }
  }

  private final int capacity;
  private final long idleMillis;
  private final LinkedHashMap<String, Session> sessions;

  Sessions(int capacity, long idleMillis) {
    this.capacity = capacity;
    this.idleMillis = idleMillis;
    this.sessions =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Session> eldest) {
            return size() > Sessions.this.capacity;
          }
        };
  }

  /** The live session with this cookie value, marked as used now; or {@code null}. */
  synchronized Session get(String id, long now) {
    Session session = sessions.get(id);
    if (session == null) {
      return null;
    }
    if (now - session.lastSeenMillis > idleMillis) {
      sessions.remove(id);
      return null;
    }
    session.lastSeenMillis = now;
    return session;
  }

  /** Adds a session, evicting the least recently used one when full. */
  synchronized void put(String id, Session session) {
    sessions.put(id, session);
  }

  synchronized Session remove(String id) {
    return sessions.remove(id);
  }

  synchronized int size() {
    return sessions.size();
  }
}
