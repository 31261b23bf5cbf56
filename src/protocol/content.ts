/**
 * Message content, keyed by `msg_type`. Each map below is the single place a wire name is spelled;
 * handler tables and constructors are typed against these maps, so a misspelt or missing message
 * type fails to compile instead of going out on the wire.
 */

export type MimeBundle = Record<string, unknown>;

export interface ErrorFields {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** Every reply is one of these three; build them with the constructors in `reply-status.ts`. */
export type ReplyStatus<Ok> = ({ status: "ok" } & Ok) | ({ status: "error" } & ErrorFields) | { status: "aborted" };

export interface HelpLink {
  text: string;
  url: string;
}

export interface LanguageInfo {
  name: string;
  version: string;
  mimetype: string;
  file_extension: string;
  codemirror_mode: string | Record<string, unknown>;
  pygments_lexer: string;
  nbconvert_exporter: string;
}

export interface ShellRequests {
  execute_request: {
    code: string;
    silent?: boolean;
    store_history?: boolean;
    user_expressions?: Record<string, string>;
    allow_stdin?: boolean;
    stop_on_error?: boolean;
  };
  kernel_info_request: Record<string, never>;
  complete_request: { code: string; cursor_pos: number };
  inspect_request: { code: string; cursor_pos: number; detail_level?: 0 | 1 };
  is_complete_request: { code: string };
  history_request: {
    output?: boolean;
    raw?: boolean;
    hist_access_type: "range" | "tail" | "search";
    session?: number;
    start?: number;
    stop?: number;
    n?: number;
    pattern?: string;
    unique?: boolean;
  };
  comm_info_request: { target_name?: string };
  comm_open: { comm_id: string; target_name: string; data?: Record<string, unknown> };
  comm_msg: { comm_id: string; data?: Record<string, unknown> };
  comm_close: { comm_id: string; data?: Record<string, unknown> };
}

export interface ControlRequests {
  shutdown_request: { restart: boolean };
  interrupt_request: Record<string, never>;
  kernel_info_request: Record<string, never>;
}

export type HistoryEntry = [number, number, string] | [number, number, [string, string | null]];

export interface Replies {
  execute_reply: ReplyStatus<{
    execution_count: number;
    user_expressions: Record<string, unknown>;
    payload: unknown[];
  }> & { execution_count?: number };
  kernel_info_reply: ReplyStatus<{
    protocol_version: string;
    implementation: string;
    implementation_version: string;
    language_info: LanguageInfo;
    banner: string;
    help_links: HelpLink[];
    debugger: boolean;
  }>;
  complete_reply: ReplyStatus<{
    matches: string[];
    cursor_start: number;
    cursor_end: number;
    metadata: Record<string, unknown>;
  }>;
  inspect_reply: ReplyStatus<{ found: boolean; data: MimeBundle; metadata: Record<string, unknown> }>;
  is_complete_reply:
    { status: "complete" } | { status: "incomplete"; indent: string } | { status: "invalid" } | { status: "unknown" };
  history_reply: ReplyStatus<{ history: HistoryEntry[] }>;
  comm_info_reply: ReplyStatus<{ comms: Record<string, { target_name: string }> }>;
  shutdown_reply: ReplyStatus<{ restart: boolean }>;
  interrupt_reply: ReplyStatus<object>;
}

export interface IopubContents {
  status: { execution_state: "starting" | "busy" | "idle" };
  execute_input: { code: string; execution_count: number };
  stream: { name: "stdout" | "stderr"; text: string };
  display_data: { data: MimeBundle; metadata: Record<string, unknown>; transient?: { display_id?: string } };
  update_display_data: { data: MimeBundle; metadata: Record<string, unknown>; transient: { display_id: string } };
  execute_result: { execution_count: number; data: MimeBundle; metadata: Record<string, unknown> };
  error: ErrorFields;
  clear_output: { wait: boolean };
  comm_close: { comm_id: string; data: Record<string, unknown> };
}

export interface StdinContents {
  input_request: { prompt: string; password: boolean };
  input_reply: { value: string };
}

export type ShellRequestType = keyof ShellRequests;
export type ControlRequestType = keyof ControlRequests;
export type ReplyType = keyof Replies;
export type IopubType = keyof IopubContents;

/** The reply name for each request name: the protocol's one naming rule, stated once. */
export type ReplyFor<R extends string> = R extends `${infer Stem}_request` ? `${Stem}_reply` : never;
