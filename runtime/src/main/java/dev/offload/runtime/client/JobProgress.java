package dev.offload.runtime.client;

import java.time.Instant;

/**
 * The last progress a running job reported through {@code JobContext.progress}. Its message is
 * shown to end users in the job-observer widget, like a {@code UserFacingException}'s.
 *
 * @param fraction how much is done, from 0 to 1
 * @param message what the job said it is doing, empty for nothing
 * @param at when the agent heard it
 */
public record JobProgress(double fraction, String message, Instant at) {}
