import { companyGuard, created, noContent, ok, paginate, param, parseBody, uaGuard } from '../context.js';
import type { RequestContext, RouteDef } from '../context.js';
import { noteJson } from '../models.js';
import type { CompanyRecord, NoteRecord } from '../models.js';
import { modelValidation, notFound } from '../problem.js';
import { noteCreate } from '../request-schemas.js';

const NOTES = '/api/v1/companies/{company_id}/users/{user_id}/notes';

/** Model limits of Note: title 3–50, content at least 3 (handler-level 400 with array fields). */
function checkNote(title: string, content: string): void {
  if (title.length < 3) throw modelValidation('title', 'String should have at least 3 characters');
  if (title.length > 50) throw modelValidation('title', 'String should have at most 50 characters');
  if (content.length < 3) throw modelValidation('content', 'String should have at least 3 characters');
}

/** Notes are looked up by id only: ownership is not checked in this era (CONTRACT §4). */
function findNote(ctx: RequestContext, company: CompanyRecord): NoteRecord {
  const note = ctx.state.notes.get(param(ctx, 'note_id'));
  if (!note || note.archived || note.company_id !== company.id) throw notFound('Note not found');
  return note;
}

function listNotes(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const user = uaGuard(ctx, company);
  const notes = [...ctx.state.notes.values()].filter((n) => !n.archived && n.user_id === user.id);
  return paginate(ctx, notes, noteJson);
}

function createNote(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const user = uaGuard(ctx, company);
  const body = parseBody(ctx, noteCreate);
  checkNote(body.title, body.content);
  const note = ctx.state.addNote(user.id, body);
  ctx.state.touchCompany(company.id);
  return created(noteJson(note));
}

function getNote(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  return ok(noteJson(findNote(ctx, company)));
}

function updateNote(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  // The update DTO is not partial: both members are required (CONTRACT #23).
  const body = parseBody(ctx, noteCreate);
  const note = findNote(ctx, company);
  checkNote(body.title, body.content);
  note.title = body.title;
  note.content = body.content;
  note.date_modified = ctx.state.timestamp();
  ctx.state.touchCompany(company.id);
  return ok(noteJson(note));
}

function deleteNote(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  const note = findNote(ctx, company);
  note.archived = true;
  note.date_modified = ctx.state.timestamp();
  ctx.state.touchCompany(company.id);
  return noContent;
}

export const noteRoutes: RouteDef[] = [
  { method: 'GET', template: NOTES, handler: listNotes, cacheable: true },
  { method: 'POST', template: NOTES, handler: createNote },
  { method: 'GET', template: `${NOTES}/{note_id}`, handler: getNote, cacheable: true },
  { method: 'PATCH', template: `${NOTES}/{note_id}`, handler: updateNote },
  { method: 'DELETE', template: `${NOTES}/{note_id}`, handler: deleteNote },
];
