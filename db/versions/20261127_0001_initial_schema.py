"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 20:43:28.034347
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_key',
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('key_hash', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_key_key_hash')),
    sa.UniqueConstraint('name', name=op.f('uq_api_key_name'))
    )
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('username', sa.Text(), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('role', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_app_user')),
    sa.UniqueConstraint('username', name=op.f('uq_app_user_username'))
    )
    op.create_table('application',
    sa.Column('SK_ID_CURR', sa.BigInteger(), nullable=False),
    sa.Column('TARGET', sa.SmallInteger(), nullable=True),
    sa.Column('NAME_CONTRACT_TYPE', sa.Text(), nullable=True),
    sa.Column('CODE_GENDER', sa.Text(), nullable=True),
    sa.Column('FLAG_OWN_CAR', sa.Text(), nullable=True),
    sa.Column('FLAG_OWN_REALTY', sa.Text(), nullable=True),
    sa.Column('CNT_CHILDREN', sa.Double(), nullable=True),
    sa.Column('AMT_INCOME_TOTAL', sa.Double(), nullable=True),
    sa.Column('AMT_CREDIT', sa.Double(), nullable=True),
    sa.Column('AMT_ANNUITY', sa.Double(), nullable=True),
    sa.Column('AMT_GOODS_PRICE', sa.Double(), nullable=True),
    sa.Column('NAME_TYPE_SUITE', sa.Text(), nullable=True),
    sa.Column('NAME_INCOME_TYPE', sa.Text(), nullable=True),
    sa.Column('NAME_EDUCATION_TYPE', sa.Text(), nullable=True),
    sa.Column('NAME_FAMILY_STATUS', sa.Text(), nullable=True),
    sa.Column('NAME_HOUSING_TYPE', sa.Text(), nullable=True),
    sa.Column('REGION_POPULATION_RELATIVE', sa.Double(), nullable=True),
    sa.Column('DAYS_BIRTH', sa.Double(), nullable=True),
    sa.Column('DAYS_EMPLOYED', sa.Double(), nullable=True),
    sa.Column('DAYS_REGISTRATION', sa.Double(), nullable=True),
    sa.Column('DAYS_ID_PUBLISH', sa.Double(), nullable=True),
    sa.Column('OWN_CAR_AGE', sa.Double(), nullable=True),
    sa.Column('FLAG_MOBIL', sa.Double(), nullable=True),
    sa.Column('FLAG_EMP_PHONE', sa.Double(), nullable=True),
    sa.Column('FLAG_WORK_PHONE', sa.Double(), nullable=True),
    sa.Column('FLAG_CONT_MOBILE', sa.Double(), nullable=True),
    sa.Column('FLAG_PHONE', sa.Double(), nullable=True),
    sa.Column('FLAG_EMAIL', sa.Double(), nullable=True),
    sa.Column('OCCUPATION_TYPE', sa.Text(), nullable=True),
    sa.Column('CNT_FAM_MEMBERS', sa.Double(), nullable=True),
    sa.Column('REGION_RATING_CLIENT', sa.Double(), nullable=True),
    sa.Column('REGION_RATING_CLIENT_W_CITY', sa.Double(), nullable=True),
    sa.Column('WEEKDAY_APPR_PROCESS_START', sa.Text(), nullable=True),
    sa.Column('HOUR_APPR_PROCESS_START', sa.Double(), nullable=True),
    sa.Column('REG_REGION_NOT_LIVE_REGION', sa.Double(), nullable=True),
    sa.Column('REG_REGION_NOT_WORK_REGION', sa.Double(), nullable=True),
    sa.Column('LIVE_REGION_NOT_WORK_REGION', sa.Double(), nullable=True),
    sa.Column('REG_CITY_NOT_LIVE_CITY', sa.Double(), nullable=True),
    sa.Column('REG_CITY_NOT_WORK_CITY', sa.Double(), nullable=True),
    sa.Column('LIVE_CITY_NOT_WORK_CITY', sa.Double(), nullable=True),
    sa.Column('ORGANIZATION_TYPE', sa.Text(), nullable=True),
    sa.Column('EXT_SOURCE_1', sa.Double(), nullable=True),
    sa.Column('EXT_SOURCE_2', sa.Double(), nullable=True),
    sa.Column('EXT_SOURCE_3', sa.Double(), nullable=True),
    sa.Column('APARTMENTS_AVG', sa.Double(), nullable=True),
    sa.Column('BASEMENTAREA_AVG', sa.Double(), nullable=True),
    sa.Column('YEARS_BEGINEXPLUATATION_AVG', sa.Double(), nullable=True),
    sa.Column('YEARS_BUILD_AVG', sa.Double(), nullable=True),
    sa.Column('COMMONAREA_AVG', sa.Double(), nullable=True),
    sa.Column('ELEVATORS_AVG', sa.Double(), nullable=True),
    sa.Column('ENTRANCES_AVG', sa.Double(), nullable=True),
    sa.Column('FLOORSMAX_AVG', sa.Double(), nullable=True),
    sa.Column('FLOORSMIN_AVG', sa.Double(), nullable=True),
    sa.Column('LANDAREA_AVG', sa.Double(), nullable=True),
    sa.Column('LIVINGAPARTMENTS_AVG', sa.Double(), nullable=True),
    sa.Column('LIVINGAREA_AVG', sa.Double(), nullable=True),
    sa.Column('NONLIVINGAPARTMENTS_AVG', sa.Double(), nullable=True),
    sa.Column('NONLIVINGAREA_AVG', sa.Double(), nullable=True),
    sa.Column('APARTMENTS_MODE', sa.Double(), nullable=True),
    sa.Column('BASEMENTAREA_MODE', sa.Double(), nullable=True),
    sa.Column('YEARS_BEGINEXPLUATATION_MODE', sa.Double(), nullable=True),
    sa.Column('YEARS_BUILD_MODE', sa.Double(), nullable=True),
    sa.Column('COMMONAREA_MODE', sa.Double(), nullable=True),
    sa.Column('ELEVATORS_MODE', sa.Double(), nullable=True),
    sa.Column('ENTRANCES_MODE', sa.Double(), nullable=True),
    sa.Column('FLOORSMAX_MODE', sa.Double(), nullable=True),
    sa.Column('FLOORSMIN_MODE', sa.Double(), nullable=True),
    sa.Column('LANDAREA_MODE', sa.Double(), nullable=True),
    sa.Column('LIVINGAPARTMENTS_MODE', sa.Double(), nullable=True),
    sa.Column('LIVINGAREA_MODE', sa.Double(), nullable=True),
    sa.Column('NONLIVINGAPARTMENTS_MODE', sa.Double(), nullable=True),
    sa.Column('NONLIVINGAREA_MODE', sa.Double(), nullable=True),
    sa.Column('APARTMENTS_MEDI', sa.Double(), nullable=True),
    sa.Column('BASEMENTAREA_MEDI', sa.Double(), nullable=True),
    sa.Column('YEARS_BEGINEXPLUATATION_MEDI', sa.Double(), nullable=True),
    sa.Column('YEARS_BUILD_MEDI', sa.Double(), nullable=True),
    sa.Column('COMMONAREA_MEDI', sa.Double(), nullable=True),
    sa.Column('ELEVATORS_MEDI', sa.Double(), nullable=True),
    sa.Column('ENTRANCES_MEDI', sa.Double(), nullable=True),
    sa.Column('FLOORSMAX_MEDI', sa.Double(), nullable=True),
    sa.Column('FLOORSMIN_MEDI', sa.Double(), nullable=True),
    sa.Column('LANDAREA_MEDI', sa.Double(), nullable=True),
    sa.Column('LIVINGAPARTMENTS_MEDI', sa.Double(), nullable=True),
    sa.Column('LIVINGAREA_MEDI', sa.Double(), nullable=True),
    sa.Column('NONLIVINGAPARTMENTS_MEDI', sa.Double(), nullable=True),
    sa.Column('NONLIVINGAREA_MEDI', sa.Double(), nullable=True),
    sa.Column('FONDKAPREMONT_MODE', sa.Text(), nullable=True),
    sa.Column('HOUSETYPE_MODE', sa.Text(), nullable=True),
    sa.Column('TOTALAREA_MODE', sa.Double(), nullable=True),
    sa.Column('WALLSMATERIAL_MODE', sa.Text(), nullable=True),
    sa.Column('EMERGENCYSTATE_MODE', sa.Text(), nullable=True),
    sa.Column('OBS_30_CNT_SOCIAL_CIRCLE', sa.Double(), nullable=True),
    sa.Column('DEF_30_CNT_SOCIAL_CIRCLE', sa.Double(), nullable=True),
    sa.Column('OBS_60_CNT_SOCIAL_CIRCLE', sa.Double(), nullable=True),
    sa.Column('DEF_60_CNT_SOCIAL_CIRCLE', sa.Double(), nullable=True),
    sa.Column('DAYS_LAST_PHONE_CHANGE', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_2', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_3', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_4', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_5', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_6', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_7', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_8', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_9', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_10', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_11', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_12', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_13', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_14', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_15', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_16', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_17', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_18', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_19', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_20', sa.Double(), nullable=True),
    sa.Column('FLAG_DOCUMENT_21', sa.Double(), nullable=True),
    sa.Column('AMT_REQ_CREDIT_BUREAU_HOUR', sa.Double(), nullable=True),
    sa.Column('AMT_REQ_CREDIT_BUREAU_DAY', sa.Double(), nullable=True),
    sa.Column('AMT_REQ_CREDIT_BUREAU_WEEK', sa.Double(), nullable=True),
    sa.Column('AMT_REQ_CREDIT_BUREAU_MON', sa.Double(), nullable=True),
    sa.Column('AMT_REQ_CREDIT_BUREAU_QRT', sa.Double(), nullable=True),
    sa.Column('AMT_REQ_CREDIT_BUREAU_YEAR', sa.Double(), nullable=True),
    sa.CheckConstraint('"TARGET" IN (0, 1)', name=op.f('ck_application_target_binary')),
    sa.PrimaryKeyConstraint('SK_ID_CURR', name=op.f('pk_application'))
    )
    op.create_table('bureau',
    sa.Column('SK_ID_CURR', sa.BigInteger(), nullable=True),
    sa.Column('SK_ID_BUREAU', sa.BigInteger(), nullable=False),
    sa.Column('CREDIT_ACTIVE', sa.Text(), nullable=True),
    sa.Column('CREDIT_CURRENCY', sa.Text(), nullable=True),
    sa.Column('DAYS_CREDIT', sa.Double(), nullable=True),
    sa.Column('CREDIT_DAY_OVERDUE', sa.Double(), nullable=True),
    sa.Column('DAYS_CREDIT_ENDDATE', sa.Double(), nullable=True),
    sa.Column('DAYS_ENDDATE_FACT', sa.Double(), nullable=True),
    sa.Column('AMT_CREDIT_MAX_OVERDUE', sa.Double(), nullable=True),
    sa.Column('CNT_CREDIT_PROLONG', sa.Double(), nullable=True),
    sa.Column('AMT_CREDIT_SUM', sa.Double(), nullable=True),
    sa.Column('AMT_CREDIT_SUM_DEBT', sa.Double(), nullable=True),
    sa.Column('AMT_CREDIT_SUM_LIMIT', sa.Double(), nullable=True),
    sa.Column('AMT_CREDIT_SUM_OVERDUE', sa.Double(), nullable=True),
    sa.Column('CREDIT_TYPE', sa.Text(), nullable=True),
    sa.Column('DAYS_CREDIT_UPDATE', sa.Double(), nullable=True),
    sa.Column('AMT_ANNUITY', sa.Double(), nullable=True),
    sa.PrimaryKeyConstraint('SK_ID_BUREAU', name=op.f('pk_bureau'))
    )
    op.create_index(op.f('ix_bureau_SK_ID_CURR'), 'bureau', ['SK_ID_CURR'], unique=False)
    op.create_table('bureau_balance',
    sa.Column('SK_ID_BUREAU', sa.BigInteger(), nullable=True),
    sa.Column('MONTHS_BALANCE', sa.Double(), nullable=True),
    sa.Column('STATUS', sa.Text(), nullable=True)
    )
    op.create_index(op.f('ix_bureau_balance_SK_ID_BUREAU'), 'bureau_balance', ['SK_ID_BUREAU'], unique=False)
    op.create_table('client_feature',
    sa.Column('sk_id_curr', sa.BigInteger(), nullable=False),
    sa.Column('feature_set_version', sa.Text(), nullable=False),
    sa.Column('numeric', sa.LargeBinary(), nullable=False),
    sa.Column('categorical', postgresql.ARRAY(sa.Text()), nullable=False),
    sa.Column('target', sa.SmallInteger(), nullable=True),
    sa.Column('computed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('sk_id_curr', name=op.f('pk_client_feature'))
    )
    op.create_table('credit_card_balance',
    sa.Column('SK_ID_PREV', sa.BigInteger(), nullable=True),
    sa.Column('SK_ID_CURR', sa.BigInteger(), nullable=True),
    sa.Column('MONTHS_BALANCE', sa.Double(), nullable=True),
    sa.Column('AMT_BALANCE', sa.Double(), nullable=True),
    sa.Column('AMT_CREDIT_LIMIT_ACTUAL', sa.Double(), nullable=True),
    sa.Column('AMT_DRAWINGS_ATM_CURRENT', sa.Double(), nullable=True),
    sa.Column('AMT_DRAWINGS_CURRENT', sa.Double(), nullable=True),
    sa.Column('AMT_DRAWINGS_OTHER_CURRENT', sa.Double(), nullable=True),
    sa.Column('AMT_DRAWINGS_POS_CURRENT', sa.Double(), nullable=True),
    sa.Column('AMT_INST_MIN_REGULARITY', sa.Double(), nullable=True),
    sa.Column('AMT_PAYMENT_CURRENT', sa.Double(), nullable=True),
    sa.Column('AMT_PAYMENT_TOTAL_CURRENT', sa.Double(), nullable=True),
    sa.Column('AMT_RECEIVABLE_PRINCIPAL', sa.Double(), nullable=True),
    sa.Column('AMT_RECIVABLE', sa.Double(), nullable=True),
    sa.Column('AMT_TOTAL_RECEIVABLE', sa.Double(), nullable=True),
    sa.Column('CNT_DRAWINGS_ATM_CURRENT', sa.Double(), nullable=True),
    sa.Column('CNT_DRAWINGS_CURRENT', sa.Double(), nullable=True),
    sa.Column('CNT_DRAWINGS_OTHER_CURRENT', sa.Double(), nullable=True),
    sa.Column('CNT_DRAWINGS_POS_CURRENT', sa.Double(), nullable=True),
    sa.Column('CNT_INSTALMENT_MATURE_CUM', sa.Double(), nullable=True),
    sa.Column('NAME_CONTRACT_STATUS', sa.Text(), nullable=True),
    sa.Column('SK_DPD', sa.Double(), nullable=True),
    sa.Column('SK_DPD_DEF', sa.Double(), nullable=True)
    )
    op.create_index(op.f('ix_credit_card_balance_SK_ID_CURR'), 'credit_card_balance', ['SK_ID_CURR'], unique=False)
    op.create_table('decision',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=True),
    sa.Column('application_hash', sa.Text(), nullable=True),
    sa.Column('model_version', sa.Text(), nullable=False),
    sa.Column('probability', sa.Double(), nullable=False),
    sa.Column('threshold', sa.Double(), nullable=False),
    sa.Column('decision', sa.Text(), nullable=False),
    sa.Column('feature_hash', sa.Text(), nullable=False),
    sa.Column('caller', sa.Text(), nullable=False),
    sa.Column('request_id', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision'))
    )
    op.create_index(op.f('ix_decision_client_id'), 'decision', ['client_id'], unique=False)
    op.create_table('installments_payments',
    sa.Column('SK_ID_PREV', sa.BigInteger(), nullable=True),
    sa.Column('SK_ID_CURR', sa.BigInteger(), nullable=True),
    sa.Column('NUM_INSTALMENT_VERSION', sa.Double(), nullable=True),
    sa.Column('NUM_INSTALMENT_NUMBER', sa.Double(), nullable=True),
    sa.Column('DAYS_INSTALMENT', sa.Double(), nullable=True),
    sa.Column('DAYS_ENTRY_PAYMENT', sa.Double(), nullable=True),
    sa.Column('AMT_INSTALMENT', sa.Double(), nullable=True),
    sa.Column('AMT_PAYMENT', sa.Double(), nullable=True)
    )
    op.create_index(op.f('ix_installments_payments_SK_ID_CURR'), 'installments_payments', ['SK_ID_CURR'], unique=False)
    op.create_table('model_version',
    sa.Column('version', sa.Text(), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('feature_set_version', sa.Text(), nullable=False),
    sa.Column('threshold', sa.Double(), nullable=False),
    sa.Column('metrics', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('details', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('is_active', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_model_version'))
    )
    op.create_index('uq_model_version_one_active', 'model_version', ['is_active'], unique=True, postgresql_where=sa.text('is_active'))
    op.create_table('pos_cash_balance',
    sa.Column('SK_ID_PREV', sa.BigInteger(), nullable=True),
    sa.Column('SK_ID_CURR', sa.BigInteger(), nullable=True),
    sa.Column('MONTHS_BALANCE', sa.Double(), nullable=True),
    sa.Column('CNT_INSTALMENT', sa.Double(), nullable=True),
    sa.Column('CNT_INSTALMENT_FUTURE', sa.Double(), nullable=True),
    sa.Column('NAME_CONTRACT_STATUS', sa.Text(), nullable=True),
    sa.Column('SK_DPD', sa.Double(), nullable=True),
    sa.Column('SK_DPD_DEF', sa.Double(), nullable=True)
    )
    op.create_index(op.f('ix_pos_cash_balance_SK_ID_CURR'), 'pos_cash_balance', ['SK_ID_CURR'], unique=False)
    op.create_table('previous_application',
    sa.Column('SK_ID_PREV', sa.BigInteger(), nullable=False),
    sa.Column('SK_ID_CURR', sa.BigInteger(), nullable=True),
    sa.Column('NAME_CONTRACT_TYPE', sa.Text(), nullable=True),
    sa.Column('AMT_ANNUITY', sa.Double(), nullable=True),
    sa.Column('AMT_APPLICATION', sa.Double(), nullable=True),
    sa.Column('AMT_CREDIT', sa.Double(), nullable=True),
    sa.Column('AMT_DOWN_PAYMENT', sa.Double(), nullable=True),
    sa.Column('AMT_GOODS_PRICE', sa.Double(), nullable=True),
    sa.Column('WEEKDAY_APPR_PROCESS_START', sa.Text(), nullable=True),
    sa.Column('HOUR_APPR_PROCESS_START', sa.Double(), nullable=True),
    sa.Column('FLAG_LAST_APPL_PER_CONTRACT', sa.Text(), nullable=True),
    sa.Column('NFLAG_LAST_APPL_IN_DAY', sa.Double(), nullable=True),
    sa.Column('RATE_DOWN_PAYMENT', sa.Double(), nullable=True),
    sa.Column('RATE_INTEREST_PRIMARY', sa.Double(), nullable=True),
    sa.Column('RATE_INTEREST_PRIVILEGED', sa.Double(), nullable=True),
    sa.Column('NAME_CASH_LOAN_PURPOSE', sa.Text(), nullable=True),
    sa.Column('NAME_CONTRACT_STATUS', sa.Text(), nullable=True),
    sa.Column('DAYS_DECISION', sa.Double(), nullable=True),
    sa.Column('NAME_PAYMENT_TYPE', sa.Text(), nullable=True),
    sa.Column('CODE_REJECT_REASON', sa.Text(), nullable=True),
    sa.Column('NAME_TYPE_SUITE', sa.Text(), nullable=True),
    sa.Column('NAME_CLIENT_TYPE', sa.Text(), nullable=True),
    sa.Column('NAME_GOODS_CATEGORY', sa.Text(), nullable=True),
    sa.Column('NAME_PORTFOLIO', sa.Text(), nullable=True),
    sa.Column('NAME_PRODUCT_TYPE', sa.Text(), nullable=True),
    sa.Column('CHANNEL_TYPE', sa.Text(), nullable=True),
    sa.Column('SELLERPLACE_AREA', sa.Double(), nullable=True),
    sa.Column('NAME_SELLER_INDUSTRY', sa.Text(), nullable=True),
    sa.Column('CNT_PAYMENT', sa.Double(), nullable=True),
    sa.Column('NAME_YIELD_GROUP', sa.Text(), nullable=True),
    sa.Column('PRODUCT_COMBINATION', sa.Text(), nullable=True),
    sa.Column('DAYS_FIRST_DRAWING', sa.Double(), nullable=True),
    sa.Column('DAYS_FIRST_DUE', sa.Double(), nullable=True),
    sa.Column('DAYS_LAST_DUE_1ST_VERSION', sa.Double(), nullable=True),
    sa.Column('DAYS_LAST_DUE', sa.Double(), nullable=True),
    sa.Column('DAYS_TERMINATION', sa.Double(), nullable=True),
    sa.Column('NFLAG_INSURED_ON_APPROVAL', sa.Double(), nullable=True),
    sa.PrimaryKeyConstraint('SK_ID_PREV', name=op.f('pk_previous_application'))
    )
    op.create_index(op.f('ix_previous_application_SK_ID_CURR'), 'previous_application', ['SK_ID_CURR'], unique=False)
    op.create_table('advisor_decision',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('client_id', sa.BigInteger(), nullable=False),
    sa.Column('decision_id', sa.BigInteger(), nullable=True),
    sa.Column('model_decision', sa.Text(), nullable=False),
    sa.Column('final_decision', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('username', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_advisor_decision_decision_id_decision')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisor_decision'))
    )
    op.create_index(op.f('ix_advisor_decision_client_id'), 'advisor_decision', ['client_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_advisor_decision_client_id'), table_name='advisor_decision')
    op.drop_table('advisor_decision')
    op.drop_index(op.f('ix_previous_application_SK_ID_CURR'), table_name='previous_application')
    op.drop_table('previous_application')
    op.drop_index(op.f('ix_pos_cash_balance_SK_ID_CURR'), table_name='pos_cash_balance')
    op.drop_table('pos_cash_balance')
    op.drop_index('uq_model_version_one_active', table_name='model_version', postgresql_where=sa.text('is_active'))
    op.drop_table('model_version')
    op.drop_index(op.f('ix_installments_payments_SK_ID_CURR'), table_name='installments_payments')
    op.drop_table('installments_payments')
    op.drop_index(op.f('ix_decision_client_id'), table_name='decision')
    op.drop_table('decision')
    op.drop_index(op.f('ix_credit_card_balance_SK_ID_CURR'), table_name='credit_card_balance')
    op.drop_table('credit_card_balance')
    op.drop_table('client_feature')
    op.drop_index(op.f('ix_bureau_balance_SK_ID_BUREAU'), table_name='bureau_balance')
    op.drop_table('bureau_balance')
    op.drop_index(op.f('ix_bureau_SK_ID_CURR'), table_name='bureau')
    op.drop_table('bureau')
    op.drop_table('application')
    op.drop_table('app_user')
    op.drop_table('api_key')
