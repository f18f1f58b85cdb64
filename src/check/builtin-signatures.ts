// Statically known return types of builtins, for inference at call sites
// (`let n: string = len(xs)` is an error because `len` returns int). The
// facts follow the reference implementation's builtin signature registry;
// the layout is ours: each return type lists the builtins that have it.
// Builtins with a dynamic or polymorphic result (json_parse, llm_call, ...)
// are listed apart and infer as unknown, which never produces a diagnostic.
// Together the two lists are the language's builtin names: a call to one of
// them is never reported as undefined, even before the run time provides it.

import type { Ty } from "./types.ts";

const RETURNS: Readonly<Record<string, string>> = {
  string: `
    addr_of agent_session_fork agent_session_fork_at agent_session_open arch artifact_context
    asset_root base32_encode base64_encode base64url_encode basename blake3 bold bytes_to_base64
    bytes_to_hex bytes_to_string bytes_to_string_lossy camel_to_kebab camel_to_pascal
    camel_to_snake capture_stderr_take circuit_breaker circuit_check color compute_content_hash
    cookie_delete cookie_serialize cookie_sign csv_stringify cwd date_format date_iso date_now_iso
    date_to_zone dim dirname duration_to_human ed25519_sign error_category execution_root extname
    flow_invariant_kind format handoff_context hex_encode hmac_sha256 hmac_sha256_base64 home_dir
    hostname http_session http_stream_open join json_stringify jwt_sign kebab_to_camel
    kebab_to_snake llm_infer_provider llm_model_tier load_skill lowercase lowercase_first md5
    microcompact month_name multipart_field_text pascal_to_camel pascal_to_snake path_basename
    path_extension path_join path_normalize path_parent path_stem path_to_native path_to_posix
    path_with_extension path_with_stem platform project_root query_stringify read_file
    regex_replace regex_replace_all render render_always_on_catalog render_prompt render_string
    replace session_cookie session_sign sha224 sha256 sha384 sha3_256 sha3_512 sha512 sha512_256
    shared_scope_id signed_url skill_describe skill_render snake_to_camel snake_to_kebab
    snake_to_pascal source_dir sse_connect sse_event str_pad substring temp_dir title_case
    to_string toml_stringify tool_describe tool_format_result tool_prompt tool_ref trace_summary
    transcript_export transcript_id transcript_render_full transcript_render_visible trim
    trust_graph_record type_of unicode_normalize uppercase uppercase_first url_build url_encode
    username uuid uuid_nil uuid_v5 uuid_v7 websocket_connect weekday_name x25519_agree
    yaml_stringify
  `,
  int: `
    advance_time agent_session_compact agent_session_length agent_session_trim bytes_len
    duration_to_seconds elapsed estimate_tokens event_log.emit hash_value monotonic_ms now_ms pid
    prompt_mark_rendered sign skill_count timer_end to_int tool_count
  `,
  float: `
    acos asin atan atan2 cos e exp flow_invariant_confidence llm_cost ln log10 log2 mean median
    percentile pi random sin stddev tan timestamp to_float variance
  `,
  bool: `
    agent_session_exists atomic_cas bytes_eq circuit_record_failure constant_time_eq ed25519_verify
    file_exists flow_invariant_is_blocking host_has http_server_ready http_server_set_ready
    http_server_shutdown http_session_close http_stream_close is_err is_infinite is_nan is_ok
    is_rate_limited is_same is_stderr_tty is_stdin_tty is_stdout_tty is_timeout is_type
    json_validate mailbox_close mailbox_send path_is_absolute path_is_relative pg_close
    provider_capabilities_clear provider_capabilities_install provider_register schema_is
    set_contains set_is_disjoint set_is_subset set_is_superset shared_cas shared_map_cas sse_close
    sse_server_cancel sse_server_cancelled sse_server_close sse_server_disconnected
    sse_server_flush sse_server_heartbeat sse_server_mock_disconnect sse_server_send sync_release
    websocket_close websocket_route websocket_send websocket_server_close
  `,
  nil: `
    agent_inject_feedback agent_session_close agent_session_inject agent_session_reset
    agent_subscribe append_file assert assert_eq assert_ne cancel capture_stderr_start
    circuit_record_success circuit_reset clear_tool_hooks close_channel command_policy_pop
    command_policy_push copy_file delete_file enable_tracing eprint eprintln eval_metric exit
    friction_clear host_mock host_mock_clear host_mock_pop_scope host_mock_push_scope http_mock
    http_mock_clear invalidate_facts llm_budget llm_mock llm_mock_clear llm_mock_pop_scope
    llm_mock_push_scope log log_debug log_error log_info log_json log_set_level log_warn
    mcp_disconnect mcp_prompt mcp_release mcp_resource mcp_resource_template
    metadata_refresh_hashes metadata_save metadata_set mkdir mock_stdin mock_time mock_tty
    move_file print println progress register_tool_hook set_color_mode sleep sleep_ms sse_mock
    tool_synthesis_clear trace_end transport_mock_clear unmock_stdin unmock_time unmock_tty
    websocket_mock write_file write_file_bytes
  `,
  bytes: `
    brotli_decode brotli_encode bytes_concat bytes_from_base64 bytes_from_hex bytes_from_string
    bytes_slice gzip_decode gzip_encode multipart_field_bytes read_file_bytes tar_create zip_create
    zstd_decode zstd_encode
  `,
  list: `
    agent_trace artifact_select chunk context_pack_suggestions conversation csv_parse dedup_by
    entries eval_metrics flat_map friction_events glob host_mock_calls host_tool_list
    http_mock_calls jq keys list_agents list_dir list_providers_native llm_available_providers
    llm_known_models llm_mock_calls llm_providers mcp_list_prompts mcp_list_resources
    mcp_list_tools mcp_registry_status metadata_entries parse_junit_xml path_segments pg_mock_calls
    pg_query plan_entries project_catalog_native project_walk_tree_native query_parse
    random_shuffle range read_lines regex_captures regex_split secret_scan skill_list
    skills_catalog_entries stream.broadcast stream.collect supervisor_events tar_extract to_list
    tool_list tool_synthesis_cache trace_spans transcript_assets transcript_events
    transcript_events_by_kind transcript_messages transport_mock_calls trigger_inspect_action_graph
    trigger_inspect_dlq trigger_inspect_lifecycle trigger_list trust_query unicode_graphemes values
    walk_dir window zip_extract
  `,
  dict: `
    __waitpoint_cancel __waitpoint_complete __waitpoint_create agent agent_config agent_loop
    agent_trace_summary artifact artifact_apply_intent artifact_command_result artifact_derive
    artifact_diff artifact_diff_review artifact_editor_selection artifact_git_diff
    artifact_patch_proposal artifact_review_decision artifact_test_result
    artifact_verification_bundle artifact_verification_result artifact_workspace_file
    artifact_workspace_snapshot assemble_context command_llm_risk_scan command_policy
    command_result_scan command_risk_scan context_pack_manifest context_pack_manifest_parse
    continue_as_new cookie_parse cookie_round_trip cookie_verify daemon_resume daemon_snapshot
    daemon_spawn daemon_stop daemon_trigger date_in_zone date_now ed25519_keypair egress_policy
    escalate_to eval_pack_manifest eval_pack_run eval_suite_manifest eval_suite_run exec exec_at
    flow_evidence_atom flow_evidence_citation flow_evidence_metadata flow_evidence_transcript
    flow_invariant_allow flow_invariant_block flow_invariant_require_approval flow_invariant_warn
    flow_remediation flow_with_confidence flow_with_evidence flow_with_remediation
    friction_eval_fixture friction_event friction_record group_by handler_context handoff
    host_capabilities http_delete http_download http_get http_patch http_post http_put http_request
    http_response http_response_bytes http_response_json http_response_text http_server
    http_server_after http_server_before http_server_on_shutdown http_server_readiness
    http_server_request http_server_route http_server_security_headers http_server_test
    http_server_tls_edge http_server_tls_pem http_server_tls_plain http_server_tls_self_signed_dev
    http_session_request http_stream_info jwt_verify llm_call llm_call_safe
    llm_call_structured_safe llm_completion llm_healthcheck llm_info llm_model_info llm_pick_model
    llm_provider_catalog llm_resolve_model llm_session_cost llm_usage load_run_tree mailbox_metrics
    mailbox_open mcp_get_prompt mcp_server_card mcp_server_info metadata_get metadata_resolve
    metadata_status multipart_form_data multipart_parse partition path_parts path_workspace_info
    pg_connect pg_execute pg_mock_pool pg_pool plan_artifact project_enrich_native
    project_scan_native project_scan_tree_native provider_capabilities render_with_provenance
    request_approval resume_agent run_record run_record_diff run_record_eval run_record_eval_suite
    run_record_fixture run_record_load run_record_save runtime_context runtime_context_values
    runtime_paths schema_extend schema_from_json_schema schema_from_openapi_schema schema_of
    schema_omit schema_partial schema_pick schema_to_json_schema schema_to_openapi_schema
    self_review session_from_cookies session_verify shared_cell shared_map shared_map_entries
    shared_map_snapshot shared_snapshot shell shell_at skill_define skill_registry skill_remove
    skill_select sse_server_response sse_server_status stat stream sub_agent_run supervisor_metrics
    supervisor_start supervisor_state supervisor_stop task_current timer_start tool_def tool_define
    tool_registry tool_remove tool_schema tool_select tool_surface_validate trace_start transcript
    transcript_abandon transcript_add_asset transcript_archive transcript_compact
    transcript_from_messages transcript_reset transcript_resume transcript_stats
    transcript_summarize trigger_fire trigger_register trigger_replay trigger_test_harness
    trust_graph_policy_for trust_graph_query trust_graph_verify_chain trust_record url_parse
    verify_signed_url vision_ocr waitpoint_cancel waitpoint_complete waitpoint_create
    waitpoint_wait websocket_server worker_trigger workflow.continue_as_new workflow.pause
    workflow.publish_query workflow.respond_update workflow.resume workflow.signal workflow.status
    workflow_clone workflow_commit workflow_diff workflow_execute workflow_graph
    workflow_insert_node workflow_inspect workflow_policy_report workflow_replace_node
    workflow_rewire workflow_set_auto_compact workflow_set_context_policy workflow_set_model_policy
    workflow_set_output_visibility workflow_validate x25519_keypair
  `,
  duration: `
    date_diff duration_days duration_hours duration_minutes duration_ms duration_seconds
  `,
  iter: `
    iter
  `,
  pair: `
    pair
  `,
  stream: `
    event_log.subscribe
  `,
  never: `
    unreachable
  `,
  "string|nil": `
    agent_session_current_id env http_header llm_qc_default_model path_workspace_normalize
    prompt_user read_line read_stdin regex_match trace_id transcript_summary uuid_parse
  `,
  "int|nil": `
    event_log.latest
  `,
  "dict|nil": `
    agent_session_ancestry agent_session_snapshot sse_receive sse_server_mock_receive
    websocket_accept websocket_receive workflow.receive
  `,
  "bytes|nil": `
    http_stream_read
  `,
};

/** Builtins whose result type is dynamic (depends on arguments or data). */
const DYNAMIC = `
  __waitpoint_wait abs add_assistant add_message add_system add_tool_result add_user agent_name
  ask_user atomic atomic_add atomic_get atomic_set await base32_decode base64_decode
  base64url_decode cancel_graceful ceil channel channel_select checkpoint checkpoint_clear
  checkpoint_delete checkpoint_exists checkpoint_get checkpoint_list close_agent connector_call
  contains date_add date_from_components date_parse dual_control ends_with env_or event_log_emit
  floor hex_decode hitl_pending host_call host_tool_call is_cancelled jq_first json_extract
  json_parse json_pointer json_pointer_delete json_pointer_set len llm_budget_remaining
  llm_call_structured llm_call_structured_result llm_config llm_rate_limit llm_stream
  mailbox_lookup mailbox_receive mailbox_try_receive max mcp_call mcp_connect mcp_ensure_active
  mcp_list_resource_templates mcp_read_resource mcp_serve mcp_tools metadata_stale metrics_inc
  min monitor_wait_for_native parallel_race path_relative_to pg_query_one pg_transaction pow
  project_fingerprint random_choice random_int read_file_result receive rng_seed round
  runtime_context_clear runtime_context_get runtime_context_set scan_directory schema_check
  schema_expect schema_parse secret_get select select_artifacts_adaptive send send_input set
  set_add set_difference set_intersect set_remove set_symmetric_difference set_union shared_get
  shared_map_delete shared_map_get shared_map_set shared_metrics shared_set skill_find spawn
  spawn_agent split sqrt starts_with store_clear store_delete store_get store_list store_save
  store_set stream.debounce stream.filter stream.first stream.fold stream.interleave stream.map
  stream.merge stream.race stream.scan stream.take stream.take_until stream.tap stream.throttle
  stream.zip sync_gate_acquire sync_metrics sync_mutex_acquire sync_rwlock_acquire
  sync_semaphore_acquire throw_error toml_parse tool_bind tool_find tool_parse_call
  tool_synth_invoke tool_synthesize transcript_auto_compact transcript_fork transcript_import
  try_receive unwrap unwrap_err unwrap_or url_decode wait_agent with_rate_limit workflow.query
  workflow.update yaml_parse
`;

function parseReturn(text: string): Ty {
  if (text === "never") return { kind: "Never" };
  const members = text.split("|").map((name): Ty => ({ kind: "Named", name }));
  return members.length === 1 ? members[0]! : { kind: "Union", types: members };
}

const TABLE: ReadonlyMap<string, Ty> = new Map(
  Object.entries(RETURNS).flatMap(([ret, names]) => {
    const type = parseReturn(ret);
    return names
      .split(/\s+/)
      .filter(Boolean)
      .map((name) => [name, type] as const);
  }),
);

const NAMES: readonly string[] = [...TABLE.keys(), ...DYNAMIC.split(/\s+/).filter(Boolean)].sort();
const NAME_SET: ReadonlySet<string> = new Set(NAMES);

/** Is `name` one of the language's builtins? */
export function isBuiltinName(name: string): boolean {
  return NAME_SET.has(name);
}

/** Every builtin name, sorted. */
export function builtinNames(): readonly string[] {
  return NAMES;
}

/** The declared return type of builtin `name`; null when dynamic or unknown. */
export function builtinReturnType(name: string): Ty | null {
  return TABLE.get(name) ?? null;
}
