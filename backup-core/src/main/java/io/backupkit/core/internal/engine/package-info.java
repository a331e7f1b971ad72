/**
 * The engine, one class per concept; {@link io.backupkit.core.BackupEngine} only wires them. Arrows run
 * one way, from the operations down to the servers and the slot:
 *
 * <pre>
 * Schedules ──▶ BackupRun ──┐                    ScheduleRunner ──▶ Schedules
 *     │                     ├──▶ ServerRecords (servers, keys, HostKeys, connections)
 *     └──────▶ Catalogue ───┤
 *              RestoreRun ──┤──▶ Slot (the one operation, device_status, crash bookkeeping)
 *              FactoryReset ┘
 * BackupRun, RestoreRun, Schedules ──▶ Selections (modules and options of a content_info)
 * Schedules ──▶ Slot (a scheduled backup refused before it started is still the latest_backup)
 * </pre>
 *
 * <ul>
 *   <li>{@link io.backupkit.core.internal.engine.ServerRecords}: server records and private keys,
 *       trusted host keys, and every connection, whose failures it tags as the server's.</li>
 *   <li>{@link io.backupkit.core.internal.engine.Catalogue}: what is on a server (list, get, download,
 *       import, delete), read from the records beside the archives.</li>
 *   <li>{@link io.backupkit.core.internal.engine.Slot}: one operation at a time, its end recorded as
 *       {@code latest_backup}/{@code latest_restore}, and the {@code device_status}.</li>
 *   <li>{@link io.backupkit.core.internal.engine.BackupRun},
 *       {@link io.backupkit.core.internal.engine.RestoreRun},
 *       {@link io.backupkit.core.internal.engine.FactoryReset}: the operations; each is prepared
 *       (validated, holding the slot: a {@link io.backupkit.core.internal.engine.Prepared}) and then
 *       run on the caller's thread or the executor.</li>
 *   <li>{@link io.backupkit.core.internal.engine.Schedules}: scheduled backups, their checks and each one's
 *       next occurrence ({@code ScheduleEntry}, {@code ScheduleTimes}); {@code ScheduleRuns} runs what is due.
 *       They use the catalogue and the backup run, which never know them. The slot and the schedules tell
 *       {@link io.backupkit.core.internal.engine.ServerRecords} when a server is in use
 *       ({@link io.backupkit.core.internal.engine.ServerRecords.User}), so neither is a dependency of it.</li>
 * </ul>
 *
 * <p>Whose a failure is, is decided once, by {@link io.backupkit.core.internal.failure.Failures}; every
 * operation ends with an {@code Ended} (completed, failed, aborted). The state they share is an
 * {@link io.backupkit.core.internal.state.EngineState}: one lock, one typed state, one file. The archive
 * format has one owner, {@code io.backupkit.core.internal.archive}.
 */
package io.backupkit.core.internal.engine;
