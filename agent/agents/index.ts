// The agents: the one `Agent` interface and episode rollouts over it, the baselines (idle, random,
// the football heuristic, the oracle), the prompts the trained model and chat LMMs are asked with,
// and the two model-backed agents (a TinyLMM checkpoint, any OpenAI-compatible chat API). The rest
// of the tree imports agents from here, never from their files.
//
// Importing this loads the model (for tinylmmAgent) and the OpenAI client (for openaiAgent).
export type { Agent, AgentContext, AgentDecision, AgentTurn } from './agent.js';
export { rolloutEpisode, rolloutEpisodeSync, type Rollout, type RolloutOptions, type StepRecord } from './rollout.js';
export { idleAgent } from './baselines/idle.js';
export { randomAgent } from './baselines/random.js';
export { footballHeuristicAgent, footballAttackerAction, octant as footballOctant } from './baselines/football-heuristic.js';
export { oracleAgent, sokobanOracleAgent, type OracleOptions } from './baselines/oracle.js';
export { agentByName, AGENT_NAMES } from './baselines/by-name.js';
export { sokobanFrame, sokobanTextPrompt, sokobanImagePrompt, sokobanLocatePrompt, sokobanBoardText, sokobanTranscribePrompt } from './prompts/sokoban.js';
export {
  FOOTBALL_DRILLS,
  DEFAULT_WINDOW,
  VIEW_SIZE,
  VIEW_LEFT,
  offeredActions,
  rawOf,
  columnOf,
  viewLeft,
  cropFrame,
  footballView,
  footballTurnPrompt,
  footballTurnPromptOf,
  footballLocatePrompt,
  noteOf,
  type RawPlayer,
  type FootballRaw,
  type TurnNote,
} from './prompts/football.js';
export { GENERIC_CHAT_PROMPT, type ChatPrompt, type ChatPromptContext } from './prompts/chat-prompt.js';
export { SOKOBAN_CHAT_PROMPT } from './prompts/sokoban-chat.js';
export { FOOTBALL_CHAT_PROMPT } from './prompts/football-chat.js';
export { TINYLMM_SOKOBAN_CHAT_PROMPT } from './prompts/tinylmm-chat.js';
export { openaiAgent, chatPromptFor, frameDataUrl, type OpenAIAgentOptions } from './openai-agent.js';
export { tinylmmAgent, TINYLMM_DEFAULTS, type TinyLmmAgentOptions } from './tinylmm-agent.js';
