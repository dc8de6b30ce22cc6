"""Reports as mail servers and mailbox providers write them: a delivery status
notification (RFC 3464) and a feedback-loop complaint (RFC 5965)."""

READER = "reader@example.org"


def dsn(to: str, action: str, status: str, recipient: str = READER) -> bytes:
    """A delivery status notification as Postfix writes one (RFC 3464)."""
    return f"""\
Return-Path: <>
Delivered-To: {to}
From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
To: {to}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org
Arrival-Date: Mon, 7 Dec 2026 07:00:01 +0000

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected

--B1
Content-Type: text/rfc822-headers

Return-Path: <{to}>
From: On Probation <noreply@blog.example>
To: {recipient}
Subject: Confirm your email address

--B1--
""".replace("\n", "\r\n").encode()


def arf(envelope: str, feedback_type: str = "abuse") -> bytes:
    """A feedback-loop complaint as a mailbox provider sends one (RFC 5965)."""
    return f"""\
From: <staff@hotmail.example>
To: <fbl@blog.example>
Subject: Complaint about a message from blog.example
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="part1"

--part1
Content-Type: text/plain; charset="US-ASCII"

This is an email abuse report for an email message received from IP 192.0.2.1.

--part1
Content-Type: message/feedback-report

Feedback-Type: {feedback_type}
User-Agent: SomeGenerator/1.0
Version: 1
Original-Mail-From: <{envelope}>
Original-Rcpt-To: <{READER}>
Arrival-Date: Mon, 7 Dec 2026 07:00:03 +0000
Source-IP: 192.0.2.1

--part1
Content-Type: message/rfc822
Content-Disposition: inline

Return-Path: <{envelope}>
From: On Probation <noreply@blog.example>
To: {READER}
Subject: Your digest
Message-ID: <1@blog.example>

The digest.
--part1--
""".replace("\n", "\r\n").encode()
