// Generated from real Apache ZooKeeper 3.8.0 (Debian zookeeper 3.8.0-11+deb12u2,
// OpenJDK 17) four-letter-word replies, captured byte for byte over a loopback
// socket. Kept as Swift literals because loose .txt files in a test target
// make SwiftPM warn ("unhandled files") and Package.swift is shared.
//
// Standalone server (ZooKeeperServerMain) with:
//   tickTime=2000, initLimit=10, syncLimit=5, dataDir=/tmp/zkadmin-apache/data,
//   clientPortAddress=127.0.0.1, clientPort=23181, admin.enableServer=false,
//   4lw.commands.whitelist=*
// and three kazoo sessions: A (0x...5) made /app/lock, /app/lock2 ephemeral
// and set a data watch on /app/config, a child watch on /app and an exists
// watch on /missing; B (0x...6) made /b-eph ephemeral and watched
// /app/config and /app/lock; C (0x...7) idle. `cons`/`stat` were captured
// while a fourth session (0x...8) did 7 getData and 1 getChildren, after a
// `crst`, so idle sessions show lop=PING without lcxid.
// `*NotServing` / `*NotWhitelisted` come from a quorum peer (QuorumPeerMain,
// server.1 and server.2, only server 1 running, so it stays LOOKING) whose
// whitelist was "ruok, stat,mntr ,isro,conf,srvr,cons,envi,wchs".
//
// Multi-line literals below end exactly where the reply ended: a reply ending
// in a newline has an empty last line before the closing delimiter.

enum Apache38 {
    static let ruok = #"""
imok
"""#

    static let srvr = #"""
Zookeeper version: 3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC
Latency min/avg/max: 0/0.3871/5
Received: 38
Sent: 38
Connections: 4
Outstanding: 0
Zxid: 0x1a
Mode: standalone
Node count: 11

"""#

    static let stat = #"""
Zookeeper version: 3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC
Clients:
 /127.0.0.1:42446[1](queued=0,recved=4,sent=4)
 /127.0.0.1:59244[0](queued=0,recved=1,sent=0)
 /127.0.0.1:59226[1](queued=0,recved=9,sent=9)
 /127.0.0.1:42462[1](queued=0,recved=4,sent=4)
 /127.0.0.1:42452[1](queued=0,recved=4,sent=4)

Latency min/avg/max: 0/0.381/5
Received: 27
Sent: 27
Connections: 5
Outstanding: 0
Zxid: 0x19
Mode: standalone
Node count: 11

"""#

    static let mntr = #"""
zk_version	3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC
zk_server_state	standalone
zk_ephemerals_count	3
zk_num_alive_connections	4
zk_avg_latency	1.0476
zk_outstanding_requests	0
zk_znode_count	11
zk_global_sessions	3
zk_non_mtls_remote_conn_count	0
zk_last_client_response_size	16
zk_packets_sent	28
zk_packets_received	28
zk_max_client_response_size	99
zk_connection_drop_probability	0.0
zk_watch_count	5
zk_auth_failed_count	0
zk_min_latency	0
zk_max_file_descriptor_count	20000
zk_approximate_data_size	116
zk_open_file_descriptor_count	44
zk_local_sessions	0
zk_uptime	766108
zk_max_latency	5
zk_outstanding_tls_handshake	0
zk_min_client_response_size	16
zk_non_mtls_local_conn_count	0
zk_proposal_count	0
zk_watch_bytes	0
zk_outstanding_changes_removed	12
zk_throttled_ops	0
zk_stale_requests_dropped	0
zk_large_requests_rejected	0
zk_insecure_admin_count	0
zk_connection_rejected	0
zk_cnxn_closed_without_zk_server_running	0
zk_sessionless_connections_expired	0
zk_looking_count	0
zk_dead_watchers_queued	0
zk_stale_requests	0
zk_connection_drop_count	0
zk_learner_proposal_received_count	0
zk_digest_mismatches_count	0
zk_dead_watchers_cleared	0
zk_response_packet_cache_hits	6
zk_bytes_received_count	708
zk_add_dead_watcher_stall_time	0
zk_request_throttle_wait_count	0
zk_requests_not_forwarded_to_commit_processor	0
zk_response_packet_cache_misses	1
zk_ensemble_auth_success	0
zk_prep_processor_request_queued	25
zk_learner_commit_received_count	0
zk_stale_replies	0
zk_connection_request_count	3
zk_response_bytes	1111
zk_ensemble_auth_fail	0
zk_diff_count	0
zk_response_packet_get_children_cache_misses	0
zk_connection_revalidate_count	0
zk_quit_leading_due_to_disloyal_voter	0
zk_snap_count	0
zk_unrecoverable_error_count	0
zk_unsuccessful_handshake	0
zk_commit_count	0
zk_stale_sessions_expired	4
zk_response_packet_get_children_cache_hits	0
zk_sync_processor_request_queued	25
zk_outstanding_changes_queued	12
zk_request_commit_queued	0
zk_ensemble_auth_skip	0
zk_skip_learner_request_to_next_processor_count	0
zk_tls_handshake_exceeded	0
zk_revalidate_count	0
zk_avg_socket_closing_time	0.0
zk_min_socket_closing_time	0
zk_max_socket_closing_time	0
zk_cnt_socket_closing_time	0
zk_sum_socket_closing_time	0
zk_avg_proposal_process_time	0.08
zk_min_proposal_process_time	0
zk_max_proposal_process_time	1
zk_cnt_proposal_process_time	25
zk_sum_proposal_process_time	2
zk_avg_leader_unavailable_time	0.0
zk_min_leader_unavailable_time	0
zk_max_leader_unavailable_time	0
zk_cnt_leader_unavailable_time	0
zk_sum_leader_unavailable_time	0
zk_avg_node_created_watch_count	0.0
zk_min_node_created_watch_count	0
zk_max_node_created_watch_count	0
zk_cnt_node_created_watch_count	0
zk_sum_node_created_watch_count	0
zk_avg_session_queues_drained	0.0
zk_min_session_queues_drained	0
zk_max_session_queues_drained	0
zk_cnt_session_queues_drained	0
zk_sum_session_queues_drained	0
zk_avg_write_commit_proc_req_queued	0.0
zk_min_write_commit_proc_req_queued	0
zk_max_write_commit_proc_req_queued	0
zk_cnt_write_commit_proc_req_queued	0
zk_sum_write_commit_proc_req_queued	0
zk_avg_connection_token_deficit	0.0
zk_min_connection_token_deficit	0
zk_max_connection_token_deficit	0
zk_cnt_connection_token_deficit	3
zk_sum_connection_token_deficit	0
zk_avg_read_commit_proc_req_queued	0.0
zk_min_read_commit_proc_req_queued	0
zk_max_read_commit_proc_req_queued	0
zk_cnt_read_commit_proc_req_queued	0
zk_sum_read_commit_proc_req_queued	0
zk_avg_node_deleted_watch_count	0.0
zk_min_node_deleted_watch_count	0
zk_max_node_deleted_watch_count	0
zk_cnt_node_deleted_watch_count	0
zk_sum_node_deleted_watch_count	0
zk_avg_startup_txns_load_time	0.0
zk_min_startup_txns_load_time	0
zk_max_startup_txns_load_time	0
zk_cnt_startup_txns_load_time	0
zk_sum_startup_txns_load_time	0
zk_avg_sync_processor_queue_size	0.04
zk_min_sync_processor_queue_size	0
zk_max_sync_processor_queue_size	1
zk_cnt_sync_processor_queue_size	25
zk_sum_sync_processor_queue_size	1
zk_avg_follower_sync_time	0.0
zk_min_follower_sync_time	0
zk_max_follower_sync_time	0
zk_cnt_follower_sync_time	0
zk_sum_follower_sync_time	0
zk_avg_prep_processor_queue_size	0.0
zk_min_prep_processor_queue_size	0
zk_max_prep_processor_queue_size	0
zk_cnt_prep_processor_queue_size	25
zk_sum_prep_processor_queue_size	0
zk_avg_fsynctime	1.6
zk_min_fsynctime	0
zk_max_fsynctime	4
zk_cnt_fsynctime	10
zk_sum_fsynctime	16
zk_avg_inflight_snap_count	0.0
zk_min_inflight_snap_count	0
zk_max_inflight_snap_count	0
zk_cnt_inflight_snap_count	0
zk_sum_inflight_snap_count	0
zk_avg_reads_issued_from_session_queue	0.0
zk_min_reads_issued_from_session_queue	0
zk_max_reads_issued_from_session_queue	0
zk_cnt_reads_issued_from_session_queue	0
zk_sum_reads_issued_from_session_queue	0
zk_avg_learner_request_processor_queue_size	0.0
zk_min_learner_request_processor_queue_size	0
zk_max_learner_request_processor_queue_size	0
zk_cnt_learner_request_processor_queue_size	0
zk_sum_learner_request_processor_queue_size	0
zk_avg_snapshottime	0.0
zk_min_snapshottime	0
zk_max_snapshottime	0
zk_cnt_snapshottime	0
zk_sum_snapshottime	0
zk_avg_unavailable_time	0.0
zk_min_unavailable_time	0
zk_max_unavailable_time	0
zk_cnt_unavailable_time	0
zk_sum_unavailable_time	0
zk_avg_startup_txns_loaded	0.0
zk_min_startup_txns_loaded	0
zk_max_startup_txns_loaded	0
zk_cnt_startup_txns_loaded	0
zk_sum_startup_txns_loaded	0
zk_avg_reads_after_write_in_session_queue	0.0
zk_min_reads_after_write_in_session_queue	0
zk_max_reads_after_write_in_session_queue	0
zk_cnt_reads_after_write_in_session_queue	0
zk_sum_reads_after_write_in_session_queue	0
zk_avg_requests_in_session_queue	0.0
zk_min_requests_in_session_queue	0
zk_max_requests_in_session_queue	0
zk_cnt_requests_in_session_queue	0
zk_sum_requests_in_session_queue	0
zk_avg_write_commit_proc_issued	0.0
zk_min_write_commit_proc_issued	0
zk_max_write_commit_proc_issued	0
zk_cnt_write_commit_proc_issued	0
zk_sum_write_commit_proc_issued	0
zk_avg_prep_process_time	0.04
zk_min_prep_process_time	0
zk_max_prep_process_time	1
zk_cnt_prep_process_time	25
zk_sum_prep_process_time	1
zk_avg_pending_session_queue_size	0.0
zk_min_pending_session_queue_size	0
zk_max_pending_session_queue_size	0
zk_cnt_pending_session_queue_size	0
zk_sum_pending_session_queue_size	0
zk_avg_time_waiting_empty_pool_in_commit_processor_read_ms	0.0
zk_min_time_waiting_empty_pool_in_commit_processor_read_ms	0
zk_max_time_waiting_empty_pool_in_commit_processor_read_ms	0
zk_cnt_time_waiting_empty_pool_in_commit_processor_read_ms	0
zk_sum_time_waiting_empty_pool_in_commit_processor_read_ms	0
zk_avg_commit_process_time	0.0
zk_min_commit_process_time	0
zk_max_commit_process_time	0
zk_cnt_commit_process_time	0
zk_sum_commit_process_time	0
zk_avg_dbinittime	0.0
zk_min_dbinittime	0
zk_max_dbinittime	0
zk_cnt_dbinittime	0
zk_sum_dbinittime	0
zk_avg_inflight_diff_count	0.0
zk_min_inflight_diff_count	0
zk_max_inflight_diff_count	0
zk_cnt_inflight_diff_count	0
zk_sum_inflight_diff_count	0
zk_avg_netty_queued_buffer_capacity	0.0
zk_min_netty_queued_buffer_capacity	0
zk_max_netty_queued_buffer_capacity	0
zk_cnt_netty_queued_buffer_capacity	0
zk_sum_netty_queued_buffer_capacity	0
zk_avg_election_time	0.0
zk_min_election_time	0
zk_max_election_time	0
zk_cnt_election_time	0
zk_sum_election_time	0
zk_avg_commit_commit_proc_req_queued	0.0
zk_min_commit_commit_proc_req_queued	0
zk_max_commit_commit_proc_req_queued	0
zk_cnt_commit_commit_proc_req_queued	0
zk_sum_commit_commit_proc_req_queued	0
zk_avg_sync_processor_batch_size	1.0
zk_min_sync_processor_batch_size	1
zk_max_sync_processor_batch_size	1
zk_cnt_sync_processor_batch_size	10
zk_sum_sync_processor_batch_size	10
zk_avg_node_children_watch_count	0.0
zk_min_node_children_watch_count	0
zk_max_node_children_watch_count	0
zk_cnt_node_children_watch_count	0
zk_sum_node_children_watch_count	0
zk_avg_write_batch_time_in_commit_processor	0.0
zk_min_write_batch_time_in_commit_processor	0
zk_max_write_batch_time_in_commit_processor	0
zk_cnt_write_batch_time_in_commit_processor	0
zk_sum_write_batch_time_in_commit_processor	0
zk_avg_read_commit_proc_issued	0.0
zk_min_read_commit_proc_issued	0
zk_max_read_commit_proc_issued	0
zk_cnt_read_commit_proc_issued	0
zk_sum_read_commit_proc_issued	0
zk_avg_concurrent_request_processing_in_commit_processor	0.0
zk_min_concurrent_request_processing_in_commit_processor	0
zk_max_concurrent_request_processing_in_commit_processor	0
zk_cnt_concurrent_request_processing_in_commit_processor	0
zk_sum_concurrent_request_processing_in_commit_processor	0
zk_avg_observer_sync_time	0.0
zk_min_observer_sync_time	0
zk_max_observer_sync_time	0
zk_cnt_observer_sync_time	0
zk_sum_observer_sync_time	0
zk_avg_node_changed_watch_count	0.0
zk_min_node_changed_watch_count	0
zk_max_node_changed_watch_count	0
zk_cnt_node_changed_watch_count	0
zk_sum_node_changed_watch_count	0
zk_avg_sync_process_time	0.0
zk_min_sync_process_time	0
zk_max_sync_process_time	0
zk_cnt_sync_process_time	10
zk_sum_sync_process_time	0
zk_avg_startup_snap_load_time	0.0
zk_min_startup_snap_load_time	0
zk_max_startup_snap_load_time	0
zk_cnt_startup_snap_load_time	0
zk_sum_startup_snap_load_time	0
zk_avg_prep_processor_queue_time_ms	0.0
zk_min_prep_processor_queue_time_ms	0
zk_max_prep_processor_queue_time_ms	0
zk_cnt_prep_processor_queue_time_ms	25
zk_sum_prep_processor_queue_time_ms	0
zk_p50_prep_processor_queue_time_ms	0
zk_p95_prep_processor_queue_time_ms	0
zk_p99_prep_processor_queue_time_ms	0
zk_p999_prep_processor_queue_time_ms	0
zk_avg_jvm_pause_time_ms	0.0
zk_min_jvm_pause_time_ms	0
zk_max_jvm_pause_time_ms	0
zk_cnt_jvm_pause_time_ms	0
zk_sum_jvm_pause_time_ms	0
zk_p50_jvm_pause_time_ms	0
zk_p95_jvm_pause_time_ms	0
zk_p99_jvm_pause_time_ms	0
zk_p999_jvm_pause_time_ms	0
zk_avg_close_session_prep_time	0.25
zk_min_close_session_prep_time	0
zk_max_close_session_prep_time	1
zk_cnt_close_session_prep_time	4
zk_sum_close_session_prep_time	1
zk_p50_close_session_prep_time	0
zk_p95_close_session_prep_time	1
zk_p99_close_session_prep_time	1
zk_p999_close_session_prep_time	1
zk_avg_read_commitproc_time_ms	0.0
zk_min_read_commitproc_time_ms	0
zk_max_read_commitproc_time_ms	0
zk_cnt_read_commitproc_time_ms	0
zk_sum_read_commitproc_time_ms	0
zk_p50_read_commitproc_time_ms	0
zk_p95_read_commitproc_time_ms	0
zk_p99_read_commitproc_time_ms	0
zk_p999_read_commitproc_time_ms	0
zk_avg_updatelatency	3.0
zk_min_updatelatency	1
zk_max_updatelatency	5
zk_cnt_updatelatency	6
zk_sum_updatelatency	18
zk_p50_updatelatency	4
zk_p95_updatelatency	5
zk_p99_updatelatency	5
zk_p999_updatelatency	5
zk_avg_local_write_committed_time_ms	0.0
zk_min_local_write_committed_time_ms	0
zk_max_local_write_committed_time_ms	0
zk_cnt_local_write_committed_time_ms	0
zk_sum_local_write_committed_time_ms	0
zk_p50_local_write_committed_time_ms	0
zk_p95_local_write_committed_time_ms	0
zk_p99_local_write_committed_time_ms	0
zk_p999_local_write_committed_time_ms	0
zk_avg_request_throttle_queue_time_ms	0.08
zk_min_request_throttle_queue_time_ms	0
zk_max_request_throttle_queue_time_ms	1
zk_cnt_request_throttle_queue_time_ms	25
zk_sum_request_throttle_queue_time_ms	2
zk_p50_request_throttle_queue_time_ms	0
zk_p95_request_throttle_queue_time_ms	1
zk_p99_request_throttle_queue_time_ms	1
zk_p999_request_throttle_queue_time_ms	1
zk_avg_readlatency	0.2667
zk_min_readlatency	0
zk_max_readlatency	1
zk_cnt_readlatency	15
zk_sum_readlatency	4
zk_p50_readlatency	0
zk_p95_readlatency	1
zk_p99_readlatency	1
zk_p999_readlatency	1
zk_avg_quorum_ack_latency	0.0
zk_min_quorum_ack_latency	0
zk_max_quorum_ack_latency	0
zk_cnt_quorum_ack_latency	0
zk_sum_quorum_ack_latency	0
zk_p50_quorum_ack_latency	0
zk_p95_quorum_ack_latency	0
zk_p99_quorum_ack_latency	0
zk_p999_quorum_ack_latency	0
zk_avg_om_commit_process_time_ms	0.0
zk_min_om_commit_process_time_ms	0
zk_max_om_commit_process_time_ms	0
zk_cnt_om_commit_process_time_ms	0
zk_sum_om_commit_process_time_ms	0
zk_p50_om_commit_process_time_ms	0
zk_p95_om_commit_process_time_ms	0
zk_p99_om_commit_process_time_ms	0
zk_p999_om_commit_process_time_ms	0
zk_avg_read_final_proc_time_ms	0.0
zk_min_read_final_proc_time_ms	0
zk_max_read_final_proc_time_ms	0
zk_cnt_read_final_proc_time_ms	0
zk_sum_read_final_proc_time_ms	0
zk_p50_read_final_proc_time_ms	0
zk_p95_read_final_proc_time_ms	0
zk_p99_read_final_proc_time_ms	0
zk_p999_read_final_proc_time_ms	0
zk_avg_commit_propagation_latency	0.0
zk_min_commit_propagation_latency	0
zk_max_commit_propagation_latency	0
zk_cnt_commit_propagation_latency	0
zk_sum_commit_propagation_latency	0
zk_p50_commit_propagation_latency	0
zk_p95_commit_propagation_latency	0
zk_p99_commit_propagation_latency	0
zk_p999_commit_propagation_latency	0
zk_avg_dead_watchers_cleaner_latency	0.0
zk_min_dead_watchers_cleaner_latency	0
zk_max_dead_watchers_cleaner_latency	0
zk_cnt_dead_watchers_cleaner_latency	0
zk_sum_dead_watchers_cleaner_latency	0
zk_p50_dead_watchers_cleaner_latency	0
zk_p95_dead_watchers_cleaner_latency	0
zk_p99_dead_watchers_cleaner_latency	0
zk_p999_dead_watchers_cleaner_latency	0
zk_avg_write_final_proc_time_ms	0.0
zk_min_write_final_proc_time_ms	0
zk_max_write_final_proc_time_ms	0
zk_cnt_write_final_proc_time_ms	0
zk_sum_write_final_proc_time_ms	0
zk_p50_write_final_proc_time_ms	0
zk_p95_write_final_proc_time_ms	0
zk_p99_write_final_proc_time_ms	0
zk_p999_write_final_proc_time_ms	0
zk_avg_proposal_ack_creation_latency	0.0
zk_min_proposal_ack_creation_latency	0
zk_max_proposal_ack_creation_latency	0
zk_cnt_proposal_ack_creation_latency	0
zk_sum_proposal_ack_creation_latency	0
zk_p50_proposal_ack_creation_latency	0
zk_p95_proposal_ack_creation_latency	0
zk_p99_proposal_ack_creation_latency	0
zk_p999_proposal_ack_creation_latency	0
zk_avg_proposal_latency	0.0
zk_min_proposal_latency	0
zk_max_proposal_latency	0
zk_cnt_proposal_latency	0
zk_sum_proposal_latency	0
zk_p50_proposal_latency	0
zk_p95_proposal_latency	0
zk_p99_proposal_latency	0
zk_p999_proposal_latency	0
zk_avg_om_proposal_process_time_ms	0.0
zk_min_om_proposal_process_time_ms	0
zk_max_om_proposal_process_time_ms	0
zk_cnt_om_proposal_process_time_ms	0
zk_sum_om_proposal_process_time_ms	0
zk_p50_om_proposal_process_time_ms	0
zk_p95_om_proposal_process_time_ms	0
zk_p99_om_proposal_process_time_ms	0
zk_p999_om_proposal_process_time_ms	0
zk_avg_sync_processor_queue_and_flush_time_ms	2.4
zk_min_sync_processor_queue_and_flush_time_ms	1
zk_max_sync_processor_queue_and_flush_time_ms	4
zk_cnt_sync_processor_queue_and_flush_time_ms	10
zk_sum_sync_processor_queue_and_flush_time_ms	24
zk_p50_sync_processor_queue_and_flush_time_ms	2
zk_p95_sync_processor_queue_and_flush_time_ms	4
zk_p99_sync_processor_queue_and_flush_time_ms	4
zk_p999_sync_processor_queue_and_flush_time_ms	4
zk_avg_propagation_latency	2.9
zk_min_propagation_latency	1
zk_max_propagation_latency	5
zk_cnt_propagation_latency	10
zk_sum_propagation_latency	29
zk_p50_propagation_latency	3
zk_p95_propagation_latency	5
zk_p99_propagation_latency	5
zk_p999_propagation_latency	5
zk_avg_server_write_committed_time_ms	0.0
zk_min_server_write_committed_time_ms	0
zk_max_server_write_committed_time_ms	0
zk_cnt_server_write_committed_time_ms	0
zk_sum_server_write_committed_time_ms	0
zk_p50_server_write_committed_time_ms	0
zk_p95_server_write_committed_time_ms	0
zk_p99_server_write_committed_time_ms	0
zk_p999_server_write_committed_time_ms	0
zk_avg_sync_processor_queue_time_ms	0.24
zk_min_sync_processor_queue_time_ms	0
zk_max_sync_processor_queue_time_ms	3
zk_cnt_sync_processor_queue_time_ms	25
zk_sum_sync_processor_queue_time_ms	6
zk_p50_sync_processor_queue_time_ms	0
zk_p95_sync_processor_queue_time_ms	2
zk_p99_sync_processor_queue_time_ms	3
zk_p999_sync_processor_queue_time_ms	3
zk_avg_sync_processor_queue_flush_time_ms	2.0
zk_min_sync_processor_queue_flush_time_ms	1
zk_max_sync_processor_queue_flush_time_ms	4
zk_cnt_sync_processor_queue_flush_time_ms	10
zk_sum_sync_processor_queue_flush_time_ms	20
zk_p50_sync_processor_queue_flush_time_ms	2
zk_p95_sync_processor_queue_flush_time_ms	4
zk_p99_sync_processor_queue_flush_time_ms	4
zk_p999_sync_processor_queue_flush_time_ms	4
zk_avg_write_commitproc_time_ms	0.0
zk_min_write_commitproc_time_ms	0
zk_max_write_commitproc_time_ms	0
zk_cnt_write_commitproc_time_ms	0
zk_sum_write_commitproc_time_ms	0
zk_p50_write_commitproc_time_ms	0
zk_p95_write_commitproc_time_ms	0
zk_p99_write_commitproc_time_ms	0
zk_p999_write_commitproc_time_ms	0
zk_avg_app_read_per_namespace	87.1818
zk_min_app_read_per_namespace	72
zk_max_app_read_per_namespace	101
zk_cnt_app_read_per_namespace	11
zk_sum_app_read_per_namespace	959
zk_avg_app_write_per_namespace	10.0
zk_min_app_write_per_namespace	9
zk_max_app_write_per_namespace	11
zk_cnt_app_write_per_namespace	4
zk_sum_app_write_per_namespace	40
zk_avg_b-eph_write_per_namespace	6.0
zk_min_b-eph_write_per_namespace	6
zk_max_b-eph_write_per_namespace	6
zk_cnt_b-eph_write_per_namespace	2
zk_sum_b-eph_write_per_namespace	12

"""#

    static let conf = #"""
clientPort=23181
secureClientPort=-1
dataDir=/tmp/zkadmin-apache/data/version-2
dataDirSize=67109337
dataLogDir=/tmp/zkadmin-apache/data/version-2
dataLogSize=67109337
tickTime=2000
maxClientCnxns=60
minSessionTimeout=4000
maxSessionTimeout=40000
clientPortListenBacklog=-1
serverId=0

"""#

    static let cons = #"""
 /127.0.0.1:42446[1](queued=0,recved=4,sent=4,sid=0x1000005f3060005,lop=PING,est=1795313801012,to=10000,lzxid=0x18,lresp=1167931,llat=0,minlat=0,avglat=0,maxlat=0)
 /127.0.0.1:59226[1](queued=0,recved=9,sent=9,sid=0x1000005f3060008,lop=GETC,est=1795313818424,to=10000,lcxid=0x8,lzxid=0x19,lresp=1169359,llat=0,minlat=0,avglat=0,maxlat=5)
 /127.0.0.1:42462[1](queued=0,recved=4,sent=4,sid=0x1000005f3060007,lop=PING,est=1795313801028,to=10000,lzxid=0x18,lresp=1168024,llat=0,minlat=0,avglat=0,maxlat=1)
 /127.0.0.1:59232[0](queued=0,recved=1,sent=0)
 /127.0.0.1:42452[1](queued=0,recved=4,sent=4,sid=0x1000005f3060006,lop=PING,est=1795313801019,to=10000,lzxid=0x18,lresp=1167444,llat=0,minlat=0,avglat=0,maxlat=1)


"""#

    static let consAfterCrst = #"""
 /127.0.0.1:42446[1](queued=0,recved=0,sent=0,sid=0x1000005f3060005,lop=NA,est=1795313801012,to=10000,lzxid=0xffffffffffffffff,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)
 /127.0.0.1:42600[0](queued=0,recved=1,sent=0)
 /127.0.0.1:42462[1](queued=0,recved=0,sent=0,sid=0x1000005f3060007,lop=NA,est=1795313801028,to=10000,lzxid=0xffffffffffffffff,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)
 /127.0.0.1:42452[1](queued=0,recved=0,sent=0,sid=0x1000005f3060006,lop=NA,est=1795313801019,to=10000,lzxid=0xffffffffffffffff,lresp=0,llat=0,minlat=0,avglat=0,maxlat=0)


"""#

    static let crst = #"""
Connection stats reset.

"""#

    static let srst = #"""
Server stats reset.

"""#

    static let srvrAfterSrst = #"""
Zookeeper version: 3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC
Latency min/avg/max: 0/0.0/0
Received: 1
Sent: 1
Connections: 4
Outstanding: 0
Zxid: 0x18
Mode: standalone
Node count: 11

"""#

    static let envi = #"""
Environment:
zookeeper.version=3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC
host.name=localhost
java.version=17.0.15
java.vendor=Debian
java.home=/usr/lib/jvm/java-17-openjdk-amd64
java.class.path=/usr/share/java/zookeeper.jar:/usr/share/java/zookeeper-jute.jar:/usr/share/java/slf4j-api.jar:/usr/share/java/slf4j-simple.jar:/usr/share/java/netty-all.jar:/usr/share/java/commons-cli.jar:/usr/share/java/metrics-core.jar:/usr/share/java/snappy-java.jar:/usr/share/java/commons-io.jar
java.library.path=/usr/java/packages/lib:/usr/lib/x86_64-linux-gnu/jni:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/usr/lib/jni:/lib:/usr/lib
java.io.tmpdir=/tmp
java.compiler=<NA>
os.name=Linux
os.arch=amd64
os.version=6.18.44-fc-v595
user.name=root
user.home=/root
user.dir=/tmp/zkadmin-apache
os.memory.free=371MB
os.memory.max=6028MB
os.memory.total=388MB

"""#

    static let dump = #"""
SessionTracker dump:
Session Sets (2)/(3):
0 expire at Sun Nov 22 02:16:51 UTC 2026:
3 expire at Sun Nov 22 02:16:55 UTC 2026:
	0x1000005f3060007
	0x1000005f3060006
	0x1000005f3060005
ephemeral nodes dump:
Sessions with Ephemerals (2):
0x1000005f3060006:
	/b-eph
0x1000005f3060005:
	/app/lock2
	/app/lock
Connections dump:
Connections Sets (1)/(4):
4 expire at Sun Nov 22 02:16:59 UTC 2026:
	ip: /127.0.0.1:42446 sessionId: 0x1000005f3060005
	ip: /127.0.0.1:42462 sessionId: 0x1000005f3060007
	ip: /127.0.0.1:42452 sessionId: 0x1000005f3060006
	ip: /127.0.0.1:42540 sessionId: 0x0

"""#

    static let wchs = #"""
2 connections watching 3 paths
Total watches:4

"""#

    static let wchc = #"""
0x1000005f3060005
	/missing
	/app/config
0x1000005f3060006
	/app/config
	/app/lock


"""#

    static let wchp = #"""
/missing
	0x1000005f3060005
/app/config
	0x1000005f3060006
	0x1000005f3060005
/app/lock
	0x1000005f3060006


"""#

    static let isro = #"""
rw
"""#

    static let dirs = #"""
datadir_size: 67109337
logdir_size: 67109337

"""#

    static let gtmk = #"""
306
"""#

    static let statNotServing = #"""
This ZooKeeper instance is not currently serving requests

"""#

    static let isroNotServing = #"""
null
"""#

    static let dumpNotWhitelisted = #"""
dump is not executed because it is not in the whitelist.

"""#

    static let crstNotWhitelisted = #"""
crst is not executed because it is not in the whitelist.

"""#

}
