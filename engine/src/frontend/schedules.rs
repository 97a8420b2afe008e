//! The schedule RPCs: CreateSchedule, DescribeSchedule, UpdateSchedule, PatchSchedule,
//! DeleteSchedule, ListSchedules and ListScheduleMatchingTimes, with the real server's checks,
//! defaults and words (`docs/schedules-semantics.md` §1). What a schedule does when it wakes is
//! in `transitions/scheduler.rs`.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use temporalio_protos::temporal::api::enums::v1::{ScheduleOverlapPolicy, TaskQueueKind};
use temporalio_protos::temporal::api::schedule::v1::schedule_action::Action;
use temporalio_protos::temporal::api::schedule::v1::{
    CalendarSpec as ProtoCalendarStrings, IntervalSpec as ProtoInterval, Range as ProtoRange,
    Schedule as ScheduleDefinition, ScheduleInfo, ScheduleListEntry, ScheduleListInfo,
    SchedulePatch, SchedulePolicies, ScheduleSpec, ScheduleState, StructuredCalendarSpec,
};
use temporalio_protos::temporal::api::workflowservice::v1::{
    CreateScheduleRequest, CreateScheduleResponse, DeleteScheduleRequest, DeleteScheduleResponse,
    DescribeScheduleRequest, DescribeScheduleResponse, ListScheduleMatchingTimesRequest,
    ListScheduleMatchingTimesResponse, ListSchedulesRequest, ListSchedulesResponse,
    PatchScheduleRequest, PatchScheduleResponse, UpdateScheduleRequest, UpdateScheduleResponse,
};
use wfkit_calendar::schedule::{
    CalendarSpec, CalendarSpecStrings, IntervalSpec, Range, Spec, SpecInput,
};

use super::Frontend;
use crate::error::EngineError;
use crate::schedules::{
    Backfill, BufferedStart, DEFAULT_CATCHUP_WINDOW, FUTURE_ACTION_TIMES, LIST_FUTURE_ACTION_TIMES,
    LIST_RECENT_ACTIONS, MAX_NOTES_BYTES, MIN_CATCHUP_WINDOW, Schedule, ScheduleKey,
};
use crate::state::State;
use crate::time::{duration, proto_duration, timestamp};

/// The prefix of the hidden workflow the real server runs each schedule as; its errors name it.
const SCHEDULER_WORKFLOW_PREFIX: &str = "temporal-sys-scheduler:";
/// The longest id the server takes (the scheduler workflow's id, prefix included).
const MAX_ID_LENGTH: usize = 1000;
/// ListScheduleMatchingTimes answers at most this many times.
const MAX_MATCHING_TIMES: usize = 1000;
/// ListSchedules' page size when none (or too many) is asked for.
const MAX_LIST_PAGE: usize = 1000;

impl Frontend {
    pub(crate) async fn create_schedule(
        &self,
        request: CreateScheduleRequest,
    ) -> Result<CreateScheduleResponse, EngineError> {
        let mut state = self.shared.lock();
        let namespace_id = state.namespace(&request.namespace)?.id.clone();
        let key = key_of(&request.namespace, &request.schedule_id)?;
        check_id_length(&key.schedule_id)?;
        if request.request_id.is_empty() {
            return invalid("RequestId is not set on request.");
        }
        check_request_id(&request.request_id)?;
        let mut definition = request.schedule.unwrap_or_default();
        let spec = compile_spec(&mut definition, &namespace_id, &key.schedule_id)?;
        validate_action(&mut definition, true)?;
        fill_defaults(&mut definition);
        if let Some(existing) = state.schedules.get(&key) {
            if existing.create_request_id == request.request_id {
                return Ok(CreateScheduleResponse {
                    conflict_token: token_bytes(1),
                });
            }
            return Err(EngineError::ScheduleAlreadyRegistered(key.schedule_id));
        }
        let now = state.now();
        let schedule = Schedule {
            key: key.clone(),
            definition,
            spec: Arc::new(spec),
            info: ScheduleInfo {
                create_time: Some(timestamp(now)),
                ..ScheduleInfo::default()
            },
            memo: request.memo,
            search_attributes: request.search_attributes,
            conflict_token: 1,
            create_request_id: request.request_id,
            applied_request_ids: BTreeSet::new(),
            last_processed: now,
            buffer: Vec::new(),
            backfills: Vec::new(),
            last_completion_result: None,
            continued_failure: None,
            armed_wakeup: None,
        };
        state.schedules.insert(key.clone(), Arc::new(schedule));
        if let Some(patch) = request.initial_patch {
            apply_patch(&mut state, &key, patch)?;
        }
        state.run_scheduler(&key);
        Ok(CreateScheduleResponse {
            conflict_token: token_bytes(1),
        })
    }

    pub(crate) async fn describe_schedule(
        &self,
        request: DescribeScheduleRequest,
    ) -> Result<DescribeScheduleResponse, EngineError> {
        let state = self.shared.lock();
        state.namespace(&request.namespace)?;
        let key = key_of(&request.namespace, &request.schedule_id)?;
        let schedule = find(&state, &key)?;
        let mut info = schedule.info.clone();
        // Only chains that still run, as the server's Describe filters them.
        info.running_workflows
            .retain(|run| state.chain_running(&key.namespace, run));
        info.buffer_size = schedule.buffer.len() as i64;
        info.future_action_times = State::future_action_times(schedule, FUTURE_ACTION_TIMES)
            .into_iter()
            .map(timestamp)
            .collect();
        Ok(DescribeScheduleResponse {
            schedule: Some(schedule.definition.clone()),
            info: Some(info),
            memo: schedule.memo.clone().filter(|memo| !memo.fields.is_empty()),
            search_attributes: schedule
                .search_attributes
                .clone()
                .filter(|attributes| !attributes.indexed_fields.is_empty()),
            conflict_token: token_bytes(schedule.conflict_token),
        })
    }

    pub(crate) async fn update_schedule(
        &self,
        request: UpdateScheduleRequest,
    ) -> Result<UpdateScheduleResponse, EngineError> {
        let mut state = self.shared.lock();
        let namespace_id = state.namespace(&request.namespace)?.id.clone();
        let key = key_of(&request.namespace, &request.schedule_id)?;
        check_request_id(&request.request_id)?;
        let mut definition = request.schedule.unwrap_or_default();
        validate_action(&mut definition, false)?;
        let spec = compile_spec(&mut definition, &namespace_id, &key.schedule_id)?;
        fill_defaults(&mut definition);
        if request.memo.is_some() {
            return Err(EngineError::FailedPrecondition(
                "memo updates are not supported on workflow-backed schedules".to_string(),
            ));
        }
        let current_token = find(&state, &key)?.conflict_token;
        // A stale conflict token, or a request id applied before: the server answers success
        // and drops the update.
        let token = token_of(&request.conflict_token);
        let now = state.now();
        let Some(schedule) = state.schedule_mut(&key) else {
            return Err(not_found(&key));
        };
        let repeated = !request.request_id.is_empty()
            && !schedule
                .applied_request_ids
                .insert(request.request_id.clone());
        if repeated || token.is_some_and(|token| token != current_token) {
            return Ok(UpdateScheduleResponse::default());
        }
        schedule.definition = definition;
        schedule.spec = Arc::new(spec);
        schedule.info.update_time = Some(timestamp(now));
        schedule.conflict_token += 1;
        if let Some(attributes) = request.search_attributes {
            schedule.search_attributes = Some(attributes);
        }
        state.run_scheduler(&key);
        Ok(UpdateScheduleResponse::default())
    }

    pub(crate) async fn patch_schedule(
        &self,
        request: PatchScheduleRequest,
    ) -> Result<PatchScheduleResponse, EngineError> {
        let mut state = self.shared.lock();
        state.namespace(&request.namespace)?;
        let key = key_of(&request.namespace, &request.schedule_id)?;
        let Some(patch) = request.patch else {
            return invalid("Patch is not set on request.");
        };
        check_request_id(&request.request_id)?;
        if patch.pause.len() > MAX_NOTES_BYTES || patch.unpause.len() > MAX_NOTES_BYTES {
            return invalid("Schedule notes exceeds limit.");
        }
        find(&state, &key)?;
        if !request.request_id.is_empty() {
            let Some(schedule) = state.schedule_mut(&key) else {
                return Err(not_found(&key));
            };
            if !schedule.applied_request_ids.insert(request.request_id) {
                return Ok(PatchScheduleResponse::default());
            }
        }
        apply_patch(&mut state, &key, patch)?;
        state.run_scheduler(&key);
        Ok(PatchScheduleResponse::default())
    }

    pub(crate) async fn delete_schedule(
        &self,
        request: DeleteScheduleRequest,
    ) -> Result<DeleteScheduleResponse, EngineError> {
        let mut state = self.shared.lock();
        state.namespace(&request.namespace)?;
        let key = key_of(&request.namespace, &request.schedule_id)?;
        find(&state, &key)?;
        // The workflows it started run on; its timer finds nothing when it fires.
        state.schedules.remove(&key);
        Ok(DeleteScheduleResponse::default())
    }

    pub(crate) async fn list_schedules(
        &self,
        request: ListSchedulesRequest,
    ) -> Result<ListSchedulesResponse, EngineError> {
        let state = self.shared.lock();
        state.namespace(&request.namespace)?;
        if !request.query.trim().is_empty() {
            return invalid(
                "wfkit: ListSchedules takes no query yet (the real server filters on search attributes)",
            );
        }
        let page_size = usize::try_from(request.maximum_page_size)
            .ok()
            .filter(|size| (1..=MAX_LIST_PAGE).contains(size))
            .unwrap_or(MAX_LIST_PAGE);
        let offset = page_offset(&request.next_page_token)?;
        // Newest first, as the server's visibility lists them.
        let mut schedules: Vec<&Schedule> = state
            .schedules
            .values()
            .filter(|schedule| schedule.key.namespace == request.namespace)
            .map(Arc::as_ref)
            .collect();
        schedules.sort_by(|a, b| {
            b.info
                .create_time
                .map(|t| (t.seconds, t.nanos))
                .cmp(&a.info.create_time.map(|t| (t.seconds, t.nanos)))
                .then_with(|| a.key.schedule_id.cmp(&b.key.schedule_id))
        });
        let entries: Vec<ScheduleListEntry> = schedules
            .iter()
            .skip(offset)
            .take(page_size)
            .map(|schedule| list_entry(schedule))
            .collect();
        let next = offset + entries.len();
        Ok(ListSchedulesResponse {
            schedules: entries,
            next_page_token: if next < schedules.len() {
                next.to_string().into_bytes()
            } else {
                Vec::new()
            },
        })
    }

    pub(crate) async fn list_schedule_matching_times(
        &self,
        request: ListScheduleMatchingTimesRequest,
    ) -> Result<ListScheduleMatchingTimesResponse, EngineError> {
        let state = self.shared.lock();
        state.namespace(&request.namespace)?;
        let key = key_of(&request.namespace, &request.schedule_id)?;
        let schedule = find(&state, &key)?;
        let (Some(start), Some(end)) = (
            request
                .start_time
                .and_then(|t| SystemTime::try_from(t).ok()),
            request.end_time.and_then(|t| SystemTime::try_from(t).ok()),
        ) else {
            return Err(EngineError::QueryFailed(
                "missing or invalid query".to_string(),
            ));
        };
        let mut times = Vec::new();
        let mut after = start;
        while times.len() < MAX_MATCHING_TIMES {
            let Some(next) = schedule.spec.next_time(after) else {
                break;
            };
            if next.next > end {
                break;
            }
            times.push(timestamp(next.next));
            after = next.next;
        }
        Ok(ListScheduleMatchingTimesResponse { start_time: times })
    }
}

fn invalid<T>(message: &str) -> Result<T, EngineError> {
    Err(EngineError::InvalidArgument(message.to_string()))
}

fn key_of(namespace: &str, schedule_id: &str) -> Result<ScheduleKey, EngineError> {
    // The dev server loads the schedule through CHASM first, which refuses an empty id so.
    if schedule_id.is_empty() {
        return invalid("Can't load workflow execution.  WorkflowId not set.");
    }
    Ok(ScheduleKey {
        namespace: namespace.to_string(),
        schedule_id: schedule_id.to_string(),
    })
}

fn check_id_length(schedule_id: &str) -> Result<(), EngineError> {
    let length = SCHEDULER_WORKFLOW_PREFIX.len() + schedule_id.len();
    if length > MAX_ID_LENGTH {
        return Err(EngineError::InvalidArgument(format!(
            "WorkflowId exceeds maximum allowed length ({length}/{MAX_ID_LENGTH})"
        )));
    }
    Ok(())
}

fn check_request_id(request_id: &str) -> Result<(), EngineError> {
    if request_id.len() > MAX_ID_LENGTH {
        return invalid("RequestId length exceeds limit.");
    }
    Ok(())
}

fn not_found(key: &ScheduleKey) -> EngineError {
    EngineError::NotFound(format!(
        "workflow not found for ID: {SCHEDULER_WORKFLOW_PREFIX}{}",
        key.schedule_id
    ))
}

fn find<'a>(state: &'a State, key: &ScheduleKey) -> Result<&'a Schedule, EngineError> {
    state
        .schedules
        .get(key)
        .map(Arc::as_ref)
        .ok_or_else(|| not_found(key))
}

/// The conflict token as the server encodes it: 8 bytes, big-endian.
fn token_bytes(token: i64) -> Vec<u8> {
    token.to_be_bytes().to_vec()
}

/// A client's conflict token; shorter than 8 bytes means none (an unconditional update).
fn token_of(bytes: &[u8]) -> Option<i64> {
    let bytes: [u8; 8] = bytes.get(..8)?.try_into().ok()?;
    Some(i64::from_be_bytes(bytes)).filter(|token| *token != 0)
}

fn page_offset(token: &[u8]) -> Result<usize, EngineError> {
    if token.is_empty() {
        return Ok(0);
    }
    std::str::from_utf8(token)
        .ok()
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| EngineError::InvalidArgument("Invalid NextPageToken.".to_string()))
}

/// The start-workflow action's checks (`validateStartWorkflowArgsForSchedule`). Create takes a
/// schedule with no action; Update does not.
fn validate_action(definition: &mut ScheduleDefinition, create: bool) -> Result<(), EngineError> {
    let action = definition
        .action
        .as_mut()
        .and_then(|action| action.action.as_mut());
    let Some(Action::StartWorkflow(workflow)) = action else {
        if create {
            return Ok(());
        }
        return invalid("Only StartWorkflow action is supported for schedules");
    };
    let suffixed = workflow.workflow_id.len() + "-2009-11-10T23:00:00Z".len();
    if suffixed > MAX_ID_LENGTH {
        return Err(EngineError::InvalidArgument(format!(
            "WorkflowId exceeds maximum allowed length ({suffixed}/{MAX_ID_LENGTH})"
        )));
    }
    match &workflow.workflow_type {
        Some(kind) if !kind.name.is_empty() => {}
        _ => return invalid("WorkflowType is not set on request."),
    }
    match workflow.task_queue.as_mut() {
        None => return invalid("taskQueue is not set"),
        Some(queue) if queue.name.is_empty() => return invalid("missing task queue name"),
        Some(queue) => {
            if queue.kind == TaskQueueKind::Unspecified as i32 {
                queue.kind = TaskQueueKind::Normal as i32;
            }
        }
    }
    if !workflow.cron_schedule.is_empty() {
        return invalid("Scheduled workflow must not contain CronSchedule");
    }
    if !matches!(workflow.workflow_id_reuse_policy, 0 | 1) {
        return invalid("Scheduled workflow must not contain WorkflowIDReusePolicy");
    }
    Ok(())
}

/// The server's defaults (`ensureFields`): empty parts created, SKIP, a year of catchup (at
/// least 10 s), and the state's notes kept.
fn fill_defaults(definition: &mut ScheduleDefinition) {
    definition.action.get_or_insert_with(Default::default);
    let policies = definition
        .policies
        .get_or_insert_with(SchedulePolicies::default);
    if policies.overlap_policy == ScheduleOverlapPolicy::Unspecified as i32 {
        policies.overlap_policy = ScheduleOverlapPolicy::Skip as i32;
    }
    let catchup = duration(policies.catchup_window.as_ref())
        .unwrap_or(DEFAULT_CATCHUP_WINDOW)
        .max(MIN_CATCHUP_WINDOW);
    policies.catchup_window = Some(proto_duration(catchup));
    definition.state.get_or_insert_with(ScheduleState::default);
}

/// Compiles the spec and puts its canonical, echoed form back into the definition. The
/// deprecated string calendars are still read, as the server reads them.
#[allow(deprecated)]
fn compile_spec(
    definition: &mut ScheduleDefinition,
    namespace_id: &str,
    schedule_id: &str,
) -> Result<Spec, EngineError> {
    let proto = definition.spec.take().unwrap_or_default();
    let strings = |calendar: &ProtoCalendarStrings| CalendarSpecStrings {
        second: calendar.second.clone(),
        minute: calendar.minute.clone(),
        hour: calendar.hour.clone(),
        day_of_month: calendar.day_of_month.clone(),
        month: calendar.month.clone(),
        year: calendar.year.clone(),
        day_of_week: calendar.day_of_week.clone(),
        comment: calendar.comment.clone(),
    };
    let input = SpecInput {
        structured_calendar: proto.structured_calendar.iter().map(calendar_of).collect(),
        cron_string: proto.cron_string.clone(),
        calendar: proto.calendar.iter().map(strings).collect(),
        interval: proto
            .interval
            .iter()
            .map(interval_of)
            .collect::<Result<_, _>>()?,
        exclude_structured_calendar: proto
            .exclude_structured_calendar
            .iter()
            .map(calendar_of)
            .collect(),
        exclude_calendar: proto.exclude_calendar.iter().map(strings).collect(),
        start_time: proto
            .start_time
            .and_then(|time| SystemTime::try_from(time).ok()),
        end_time: proto
            .end_time
            .and_then(|time| SystemTime::try_from(time).ok()),
        jitter: duration(proto.jitter.as_ref()),
        timezone_name: proto.timezone_name.clone(),
        timezone_data: (!proto.timezone_data.is_empty()).then(|| proto.timezone_data.clone()),
    };
    let spec = Spec::compile(input, &format!("{namespace_id}-{schedule_id}"))
        .map_err(|error| EngineError::InvalidArgument(format!("Invalid schedule spec: {error}")))?;
    definition.spec = Some(proto_spec(&spec.echoed()));
    Ok(spec)
}

fn interval_of(proto: &ProtoInterval) -> Result<IntervalSpec, EngineError> {
    for (name, value) in [("interval", &proto.interval), ("phase", &proto.phase)] {
        if let Some(d) = value
            && ((d.seconds < 0 && d.nanos > 0) || (d.seconds > 0 && d.nanos < 0))
        {
            return Err(EngineError::InvalidArgument(format!(
                "Invalid schedule spec: {name} is not a valid duration: seconds and nanos have different signs"
            )));
        }
    }
    if proto
        .phase
        .is_some_and(|phase| phase.seconds < 0 || phase.nanos < 0)
    {
        return invalid("Invalid schedule spec: phase is negative");
    }
    Ok(IntervalSpec {
        interval: duration(proto.interval.as_ref()).unwrap_or_default(),
        phase: duration(proto.phase.as_ref()).unwrap_or_default(),
    })
}

fn calendar_of(proto: &StructuredCalendarSpec) -> CalendarSpec {
    let ranges = |ranges: &[ProtoRange]| {
        ranges
            .iter()
            .map(|range| Range {
                start: range.start,
                end: range.end,
                step: range.step,
            })
            .collect()
    };
    CalendarSpec {
        second: ranges(&proto.second),
        minute: ranges(&proto.minute),
        hour: ranges(&proto.hour),
        day_of_month: ranges(&proto.day_of_month),
        month: ranges(&proto.month),
        year: ranges(&proto.year),
        day_of_week: ranges(&proto.day_of_week),
        comment: proto.comment.clone(),
    }
}

fn proto_calendar(calendar: &CalendarSpec) -> StructuredCalendarSpec {
    let ranges = |ranges: &[Range]| {
        ranges
            .iter()
            .map(|range| ProtoRange {
                start: range.start,
                end: range.end,
                step: range.step,
            })
            .collect()
    };
    StructuredCalendarSpec {
        second: ranges(&calendar.second),
        minute: ranges(&calendar.minute),
        hour: ranges(&calendar.hour),
        day_of_month: ranges(&calendar.day_of_month),
        month: ranges(&calendar.month),
        year: ranges(&calendar.year),
        day_of_week: ranges(&calendar.day_of_week),
        comment: calendar.comment.clone(),
    }
}

/// The spec as Describe echoes it.
fn proto_spec(spec: &SpecInput) -> ScheduleSpec {
    ScheduleSpec {
        structured_calendar: spec
            .structured_calendar
            .iter()
            .map(proto_calendar)
            .collect(),
        interval: spec
            .interval
            .iter()
            .map(|interval| ProtoInterval {
                interval: Some(proto_duration(interval.interval)),
                phase: (!interval.phase.is_zero()).then(|| proto_duration(interval.phase)),
            })
            .collect(),
        exclude_structured_calendar: spec
            .exclude_structured_calendar
            .iter()
            .map(proto_calendar)
            .collect(),
        start_time: spec.start_time.map(timestamp),
        end_time: spec.end_time.map(timestamp),
        jitter: spec.jitter.map(proto_duration),
        timezone_name: spec.timezone_name.clone(),
        timezone_data: spec.timezone_data.clone().unwrap_or_default(),
        ..ScheduleSpec::default()
    }
}

/// A patch (`processPatch`): a trigger, backfills, pause and unpause.
fn apply_patch(
    state: &mut State,
    key: &ScheduleKey,
    patch: SchedulePatch,
) -> Result<(), EngineError> {
    let now = state.now();
    let Some(schedule) = state.schedule_mut(key) else {
        return Err(not_found(key));
    };
    if let Some(trigger) = patch.trigger_immediately {
        let at = trigger
            .scheduled_time
            .and_then(|time| SystemTime::try_from(time).ok())
            .unwrap_or(now);
        schedule.buffer.push(BufferedStart {
            nominal: at,
            actual: at,
            overlap: overlap_of(trigger.overlap_policy),
            manual: true,
        });
    }
    for backfill in patch.backfill_request {
        let (Some(start), Some(end)) = (
            backfill
                .start_time
                .and_then(|time| SystemTime::try_from(time).ok()),
            backfill
                .end_time
                .and_then(|time| SystemTime::try_from(time).ok()),
        ) else {
            continue;
        };
        // The start is inclusive: times are taken strictly after a millisecond before it.
        schedule.backfills.push(Backfill {
            after: start - Duration::from_millis(1),
            end,
            overlap: overlap_of(backfill.overlap_policy),
        });
    }
    if !patch.pause.is_empty() {
        let state = schedule
            .definition
            .state
            .get_or_insert_with(Default::default);
        state.paused = true;
        state.notes = patch.pause;
        schedule.conflict_token += 1;
    }
    if !patch.unpause.is_empty() {
        let state = schedule
            .definition
            .state
            .get_or_insert_with(Default::default);
        state.paused = false;
        state.notes = patch.unpause;
        schedule.conflict_token += 1;
    }
    Ok(())
}

fn overlap_of(policy: i32) -> ScheduleOverlapPolicy {
    ScheduleOverlapPolicy::try_from(policy).unwrap_or_default()
}

/// One schedule as ListSchedules shows it.
fn list_entry(schedule: &Schedule) -> ScheduleListEntry {
    let mut spec = schedule.definition.spec.clone().unwrap_or_default();
    spec.structured_calendar.truncate(10);
    spec.interval.truncate(10);
    spec.exclude_structured_calendar.truncate(10);
    let workflow_type = match schedule
        .definition
        .action
        .as_ref()
        .and_then(|action| action.action.as_ref())
    {
        Some(Action::StartWorkflow(workflow)) => workflow.workflow_type.clone(),
        _ => None,
    };
    let state = schedule.definition.state.clone().unwrap_or_default();
    let recent = &schedule.info.recent_actions;
    ScheduleListEntry {
        schedule_id: schedule.key.schedule_id.clone(),
        // The dev server lists an empty memo, not none.
        memo: Some(schedule.memo.clone().unwrap_or_default()),
        search_attributes: schedule
            .search_attributes
            .clone()
            .filter(|attributes| !attributes.indexed_fields.is_empty()),
        info: Some(ScheduleListInfo {
            spec: Some(spec),
            workflow_type,
            notes: state.notes,
            paused: state.paused,
            recent_actions: recent[recent.len().saturating_sub(LIST_RECENT_ACTIONS)..].to_vec(),
            future_action_times: State::future_action_times(schedule, LIST_FUTURE_ACTION_TIMES)
                .into_iter()
                .map(timestamp)
                .collect(),
            ..ScheduleListInfo::default()
        }),
    }
}
