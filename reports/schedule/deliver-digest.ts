/** Sends a finished digest to one destination: a folder, an email (SMTP) or a webhook. */
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { postJson, redactUrl } from '../../common/http/post-json.ts';
import { digestFolderPath, type Delivery, type SmtpConfig } from '../../schemas/digest.schema.ts';
import type { SiteConfig } from '../../schemas/index.ts';
import type { DigestPeriod } from '../digest/digest-period.ts';
import { writeDigestFile } from './write-digest-file.ts';

export interface DigestFile {
  site: SiteConfig;
  period: DigestPeriod;
  filename: string;
  pdf: Buffer;
  summary: string[];
}

export type Deliver = (file: DigestFile, delivery: Delivery) => Promise<void>;

/** A readable name for where a delivery goes, used in the ledger and logs: a webhook by its origin only (no credentials, no secret path). */
export function describeDelivery(d: Delivery): string {
  return d.kind === 'folder'
    ? `folder:${d.dir}`
    : d.kind === 'email'
      ? `email:${d.to.join(',')}`
      : `webhook:${redactUrl(d.url)}`;
}

export interface DeliverOptions {
  smtp?: SmtpConfig;
  /** The absolute directory folder deliveries are confined to (digestFolderRoot). */
  folderRoot: string;
}

const WEBHOOK_TIMEOUT_MS = 30_000;

export function createDeliver({ smtp, folderRoot }: DeliverOptions): Deliver {
  const transport = smtp
    ? nodemailer.createTransport({
        host: smtp.host,
        port: smtp.port,
        secure: smtp.secure,
        auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
      })
    : null;
  return async (file, delivery) => {
    const subject = `Visitor digest · ${file.site.name} · ${file.period.label}`;
    switch (delivery.kind) {
      case 'folder': {
        // Checked at config load too; checked again here because the schedule may come from elsewhere.
        const relDir = digestFolderPath(folderRoot, delivery.dir);
        if (relDir === null) throw new Error(`folder ${delivery.dir} is outside the digest folder root`);
        writeDigestFile(folderRoot, join(relDir, file.site.id), file.filename, file.pdf);
        return;
      }
      case 'email': {
        if (!transport || !smtp) throw new Error('email delivery needs digests.smtp in the configuration');
        await transport.sendMail({
          from: smtp.from,
          to: delivery.to,
          subject,
          text: `${file.summary.join('\n')}\n\nThe full digest is attached.`,
          attachments: [{ filename: file.filename, content: file.pdf, contentType: 'application/pdf' }],
        });
        return;
      }
      case 'webhook': {
        const body = {
          site: file.site.id,
          period: file.period,
          subject,
          summary: file.summary,
          filename: file.filename,
          pdfBase64: file.pdf.toString('base64'),
        };
        // Never redirected: a 3xx would re-post the PDF wherever the answer points.
        const { status } = await postJson(delivery.url, body, { timeoutMs: WEBHOOK_TIMEOUT_MS });
        if (status >= 300 && status < 400)
          throw new Error(`webhook ${redactUrl(delivery.url)} answered ${status}: redirects are not followed`);
        if (status < 200 || status >= 300) throw new Error(`webhook ${redactUrl(delivery.url)} answered ${status}`);
      }
    }
  };
}
