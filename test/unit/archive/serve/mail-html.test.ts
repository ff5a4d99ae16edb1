import { describe, expect, it } from 'vitest';
import { mailHtml } from '../../../../lambda/archive/serve/mail-html.js';

const cid = (id: string) => (id === 'logo@x' ? `cid/${encodeURIComponent(id)}` : null);
const blocked = (html: string) => mailHtml(html, { cid, allowRemote: false });
const allowed = (html: string) => mailHtml(html, { cid, allowRemote: true });
/** The mail's own markup, after the frame's fixed head. */
const body = (html: string) => html.slice(html.indexOf('</style>') + '</style>'.length);

describe('mailHtml: what runs', () => {
  it.each([
    ['<script>alert(1)</script><p>x</p>', '<p>x</p>'],
    ['<p onclick="alert(1)" onmouseover=alert(2)>x</p>', '<p>x</p>'],
    ['<img src=x onerror=alert(1)>', '<img>'],
    ['<iframe srcdoc="<script>alert(1)</script>"></iframe>', ''],
    ['<object data="x.swf"></object><embed src="x.swf">', ''],
    ['<svg><script>alert(1)</script><image href="http://a.example/x"/></svg>', ''],
    ['<math><mtext><img src=x onerror=alert(1)></mtext></math>', ''],
    ['<template><script>alert(1)</script></template>', ''],
    [
      '<base href="http://evil.example/"><meta http-equiv="refresh" content="0;url=http://evil.example">',
      '',
    ],
    [
      '<link rel="stylesheet" href="http://evil.example/a.css"><link rel=dns-prefetch href=//evil.example>',
      '',
    ],
  ])('removes %j', (html, expected) => {
    expect(body(blocked(html).html)).toBe(expected);
  });

  it('keeps what a <noscript> or <form> holds as ordinary markup, without the form', () => {
    expect(
      body(
        blocked(
          '<noscript><p>hi</p></noscript><form action="http://e.example/"><input name=q></form>',
        ).html,
      ),
    ).toBe('<div><p>hi</p></div><div><input name="q"></div>');
  });

  it('re-encodes text, so decoded entities never become markup', () => {
    expect(body(blocked('<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;</p>').html)).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; "</p>',
    );
  });

  it('keeps a </style> inside a CSS string from ending the style element early', () => {
    // Act
    const html = body(blocked('<style>p::after { content: "a<\\/style>b" }</style>').html);
    // Assess
    expect(html).toBe('<style>p::after { content: "a<\\/style>b" }</style>');
  });
});

describe('mailHtml: links', () => {
  it.each([
    ['<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="JaVaScRiPt:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="java&#x09;script:alert(1)">x</a>', '<a>x</a>'],
    ['<a href=" &#1;javascript:alert(1)">x</a>', '<a>x</a>'],
    ['<a href="data:text/html,<script>alert(1)</script>">x</a>', '<a>x</a>'],
    ['<a href="vbscript:msgbox(1)">x</a>', '<a>x</a>'],
    ['<a href="/relative/into/the/viewer">x</a>', '<a>x</a>'],
    ['<a href="#top">x</a>', '<a href="#top">x</a>'],
  ])('removes or keeps the target of %j', (html, expected) => {
    expect(body(blocked(html).html)).toBe(expected);
  });

  it('opens web, mail and phone links in a new tab without a Referer, and drops ping', () => {
    expect(
      body(
        blocked(
          '<a href="https://a.example/p?x=1&amp;y=2" target="_self" rel="opener" ping="https://t.example/" referrerpolicy="unsafe-url">w</a><a href="mailto:a@b.example">m</a><a href="tel:+4930123">t</a>',
        ).html,
      ),
    ).toBe(
      '<a href="https://a.example/p?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">w</a><a href="mailto:a@b.example" target="_blank" rel="noopener noreferrer">m</a><a href="tel:+4930123" target="_blank" rel="noopener noreferrer">t</a>',
    );
  });
});

describe('mailHtml: images and remote content', () => {
  it('points cid: images at the message’s own part and drops an unknown cid', () => {
    expect(body(blocked('<img src="cid:logo@x"><img src="cid:other@x">').html)).toBe(
      '<img src="cid/logo%40x"><img>',
    );
  });

  it('keeps data: images and nothing else of data:', () => {
    expect(
      body(blocked('<img src="data:image/png;base64,AAAA"><img src="data:text/html,x">').html),
    ).toBe('<img src="data:image/png;base64,AAAA"><img>');
  });

  it('removes remote images, backgrounds and CSS url()s, naming their origins', () => {
    // Act
    const result = blocked(
      '<body background="http://a.example/bg.png"><img src="https://b.example/t.gif" srcset="https://c.example/1.png 1x, cid:logo@x 2x" referrerpolicy="unsafe-url"><div style="background:url(//d.example/x.png)">x</div><style>@import "https://e.example/i.css"; p { background: url(\'https://f.example/p.png\') } q { background-image: image-set("https://g.example/g.png" 1x) } r { background: \\75 rl(https://h.example/h.png) }</style></body>',
    );
    // Assess
    expect(body(result.html)).toBe(
      '<body><img srcset="cid/logo%40x 2x"><div style="background:url(&quot;data:,&quot;)">x</div><style> p { background: url("data:,") } q { background-image: x-popfwd-blocked("https://g.example/g.png" 1x) } r { background: 75 rl(https://h.example/h.png) }</style></body>',
    );
    expect(result.remoteOrigins).toEqual([
      'http://a.example',
      'http://d.example',
      'https://b.example',
      'https://c.example',
      'https://f.example',
      'https://g.example',
    ]);
  });

  it('keeps remote images when remote content is allowed, and still no referrer override', () => {
    expect(
      body(
        allowed(
          '<img src="https://b.example/t.gif" referrerpolicy="unsafe-url"><p style="background:url(https://f.example/p.png)">x</p>',
        ).html,
      ),
    ).toBe(
      '<img src="https://b.example/t.gif"><p style="background:url(&quot;https://f.example/p.png&quot;)">x</p>',
    );
  });

  it('wraps the mail in a white, UTF-8, no-referrer document', () => {
    expect(blocked('<p>x</p>').html).toBe(
      '<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><style>html{background:#fff;color:#111;color-scheme:light}body{margin:0;padding:12px 16px;overflow-wrap:anywhere}</style><p>x</p>',
    );
  });
});
