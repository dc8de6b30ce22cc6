"""addresses mail is no longer sent to, and the bounce and complaint reports that came back

Revision ID: 20261207_mail_suppression
Revises: 20261207_upload_descriptions
Create Date: 2026-12-07 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '20261207_mail_suppression'
down_revision = '20261207_upload_descriptions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mail_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('kind', sa.Enum('hard_bounce', 'soft_bounce', 'complaint', 'unrecognised', name='reportkind', native_enum=False, length=20), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_reports'))
    )
    op.create_table('mail_suppressions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('reason', sa.Enum('bounce', 'complaint', 'manual', name='suppressionreason', native_enum=False, length=20), nullable=False),
    sa.Column('suppressed_at', sa.DateTime(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['mail_reports.id'], name=op.f('fk_mail_suppressions_report_id_mail_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_suppressions')),
    sa.UniqueConstraint('address', name=op.f('uq_mail_suppressions_address'))
    )


def downgrade():
    op.drop_table('mail_suppressions')
    op.drop_table('mail_reports')
