// One rendered email on its way to a provider.
export interface OutgoingEmail {
  /** One or more recipients; each gets their own copy (recipients never see each other). */
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** The template it came from, sent along as a category/header for the provider's statistics. */
  category?: string;
}

export interface SentEmail {
  messageId?: string;
}
