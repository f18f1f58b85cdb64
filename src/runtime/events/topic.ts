// Event-log topic names. A topic is a non-empty name of ASCII letters,
// digits, `.`, `_` and `-`, which keeps it safe as a file name for durable
// backends; names derived from user text (agent ids, waitpoint ids) are
// sanitized into that alphabet first.

const TOPIC_CHAR = /^[A-Za-z0-9._-]+$/;

/** Raised for malformed topic names; the message is the reference's wording. */
export class TopicError extends Error {}

/** Returns `name` when it is a valid topic, else throws TopicError. */
export function checkTopic(name: string): string {
  if (name === "") throw new TopicError("topic cannot be empty");
  if (!TOPIC_CHAR.test(name)) throw new TopicError(`topic '${name}' contains unsupported characters`);
  return name;
}

/** Replaces every character a topic may not hold with `_`. */
export function sanitizeTopicComponent(text: string): string {
  let out = "";
  for (const ch of text) out += /^[A-Za-z0-9._-]$/.test(ch) ? ch : "_";
  return out;
}
