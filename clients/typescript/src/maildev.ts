// MailDev: the single-use tokens mailed to an address, found as the Rust tests find them (the
// word of the text that starts with the page the e-mail links to; the token follows `token=`),
// and the plain text of the notices that carry no link.

import { expect, show } from "./check.js";
import { isRecord } from "./document.js";

const MAILDEV_API_URL = process.env.MAILDEV_API_URL ?? "http://127.0.0.1:1080/api/email";
const MAIL_WAIT_MS = 15_000;

/** What identifies one kind of e-mail: its subject and the page its link points to. */
export interface MailKind {
  subject: string;
  page: string;
}

/** Waits for `count` e-mails with `subject` to `address`; their plain texts, oldest first. */
export async function mailedTexts(subject: string, address: string, count: number): Promise<string[]> {
  const deadline = Date.now() + MAIL_WAIT_MS;
  for (;;) {
    const response = await fetch(MAILDEV_API_URL);
    expect(response.ok, `MailDev at ${MAILDEV_API_URL} answered ${response.status}`);
    const inbox: unknown = await response.json();
    expect(Array.isArray(inbox), "MailDev's inbox is a list");
    const texts: string[] = [];
    for (const mail of inbox) {
      if (!isRecord(mail) || mail.subject !== subject || !Array.isArray(mail.to)) continue;
      const toAddress = mail.to.some((to: unknown) => isRecord(to) && to.address === address);
      if (toAddress && typeof mail.text === "string") texts.push(mail.text);
    }
    if (texts.length >= count) return texts;
    expect(
      Date.now() < deadline,
      `${count} "${subject}" e-mails to ${address} expected within ${MAIL_WAIT_MS} ms, ${texts.length} arrived`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits for `count` e-mails of `kind` to `address`; their tokens, oldest first. */
export async function mailedTokens(kind: MailKind, address: string, count: number): Promise<string[]> {
  const texts = await mailedTexts(kind.subject, address, count);
  return texts.map((text) => {
    const link = text.split(/\s+/).find((word) => word.startsWith(kind.page));
    expect(link !== undefined, `no ${kind.page} link in ${show(text)}`);
    const token = link.split("token=")[1];
    expect(token !== undefined && token.length > 0, `no token in ${link}`);
    return token;
  });
}
