// The social port (publishing posts to a member's or organisation's feed). Declared now so
// manifests can name the slot; the social publishing issue fills it.
import type { ProviderError } from "@/lib/integrations/kit/errors";

export interface SocialPost {
  text: string;
  /** Replies to this post id (threads). */
  replyTo?: string;
  /** Media already uploaded with uploadMedia. */
  mediaIds?: string[];
}

export interface PublishedPost {
  id: string;
  url: string | null;
}

export interface SocialPort {
  publish(accessToken: string, post: SocialPost, signal: AbortSignal): Promise<PublishedPost>;
  /** Finds a post the account published with this text after `since` (a lost reply). */
  findRecent?(accessToken: string, text: string, since: Date, signal: AbortSignal): Promise<PublishedPost | null>;
  classify(error: unknown): ProviderError;
}
